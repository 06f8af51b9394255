/* SPDX-License-Identifier: ISC */
/*
 * crc32c: CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the
 * checksum of the disk spool's records.  Owns only constant lookup tables
 * and the choice of implementation, both settled on first use.
 */
#ifndef UTIL_CRC32C_H
#define UTIL_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/*
 * Returns the CRC-32C of n bytes continued from crc: start with 0 and pass
 * the previous result to checksum data in pieces.  "123456789" gives
 * 0xE3069283.  Uses SSE4.2 when the CPU has it.
 */
uint32_t	crc32c(uint32_t crc, const void *, size_t n);

/* The portable table-driven implementation, for tests and benchmarks. */
uint32_t	crc32c_portable(uint32_t crc, const void *, size_t n);

#endif
