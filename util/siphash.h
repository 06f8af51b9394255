/* SPDX-License-Identifier: ISC */
/*
 * siphash: SipHash-2-4 with its 128-bit output (Aumasson and Bernstein),
 * a keyed hash: without the key nobody can make two inputs hash alike on
 * purpose.  The scheduler keys it with random bytes drawn once per
 * process to tell whether a feed's body is the one it parsed last.  Owns
 * nothing: the caller holds the key.
 */
#ifndef UTIL_SIPHASH_H
#define UTIL_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define SIPHASH_KEY_LEN		16
#define SIPHASH128_LEN		16

/* The 16-byte SipHash-2-4-128 of n bytes under a 16-byte key, as the
 * reference implementation writes it (vectors_sip128). */
void	siphash128(const uint8_t *key, const void *, size_t n, uint8_t *out);

#endif
