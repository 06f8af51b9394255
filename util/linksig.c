/* SPDX-License-Identifier: ISC */
/*
 * linksig: HMAC-SHA256 signatures of the dashboard's alert paths; see
 * linksig.h.  Owns nothing; intermediate MACs are wiped before return.
 */
#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "util/linksig.h"

#define LINKSIG_CONTEXT	"potashd alert link v1"

/* The HMAC-SHA256 of msg under key (keylen > 0) into mac; 0 or -1. */
static int
linksig_hmac(const void *key, size_t keylen, const char *msg,
    uint8_t mac[LINKSIG_KEY_LEN])
{
	unsigned char	out[EVP_MAX_MD_SIZE];
	unsigned int	len = 0;
	int		rc = -1;

	if (keylen > 0 && keylen <= INT32_MAX && HMAC(EVP_sha256(), key,
	    (int)keylen, (const unsigned char *)msg, strlen(msg), out,
	    &len) != NULL && len == LINKSIG_KEY_LEN) {
		memcpy(mac, out, LINKSIG_KEY_LEN);
		rc = 0;
	}
	OPENSSL_cleanse(out, sizeof(out));
	return (rc);
}

int
linksig_key(const char *token, uint8_t key[LINKSIG_KEY_LEN])
{
	if (token == NULL || *token == '\0' ||
	    linksig_hmac(token, strlen(token), LINKSIG_CONTEXT, key) == -1) {
		memset(key, 0, LINKSIG_KEY_LEN);
		return (-1);
	}
	return (0);
}

int
linksig_sign(const uint8_t key[LINKSIG_KEY_LEN], const char *path,
    char out[LINKSIG_LEN])
{
	uint8_t		mac[LINKSIG_KEY_LEN];
	/* EVP_EncodeBlock writes 44 characters ('=' last) and a NUL. */
	char		b64[LINKSIG_CHARS + 2];
	size_t		i;

	if (path == NULL || linksig_hmac(key, LINKSIG_KEY_LEN, path,
	    mac) == -1)
		return (-1);
	i = (size_t)EVP_EncodeBlock((unsigned char *)b64, mac,
	    LINKSIG_KEY_LEN);
	OPENSSL_cleanse(mac, sizeof(mac));
	if (i != LINKSIG_CHARS + 1)
		return (-1);
	for (i = 0; i < LINKSIG_CHARS; i++)
		out[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : b64[i];
	out[LINKSIG_CHARS] = '\0';
	return (0);
}

int
linksig_verify(const uint8_t key[LINKSIG_KEY_LEN], const char *path,
    const char *sig)
{
	char	want[LINKSIG_LEN];
	int	ok;

	/* The length is no secret: every valid signature has it. */
	if (sig == NULL || strlen(sig) != LINKSIG_CHARS ||
	    linksig_sign(key, path, want) == -1)
		return (0);
	ok = CRYPTO_memcmp(want, sig, LINKSIG_CHARS) == 0;
	OPENSSL_cleanse(want, sizeof(want));
	return (ok);
}

int
linksig_ok(const char *s)
{
	size_t	i;

	if (s == NULL)
		return (0);
	for (i = 0; s[i] != '\0'; i++) {
		if (i == LINKSIG_CHARS || !((s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' &&
		    s[i] <= '9') || s[i] == '-' || s[i] == '_'))
			return (0);
	}
	return (i == LINKSIG_CHARS);
}
