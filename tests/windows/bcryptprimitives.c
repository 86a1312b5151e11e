/*
 * A stand-in for Windows 10's bcryptprimitives.dll, for the tests under Wine only (never
 * shipped): Wine 8 has no such DLL, and Rust's standard library (the x64 and x86 builds,
 * not the Windows 7 ones) takes its random numbers from its ProcessPrng. This one asks
 * BCryptGenRandom, which Wine has, for the same system random bytes.
 * tests/windows/run.sh builds it (undecorated, --kill-at) into the test Wine prefix.
 */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len > 0) {
    ULONG chunk = len > 0x40000000u ? 0x40000000u : (ULONG)len;
    if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0) {
      return FALSE;
    }
    data += chunk;
    len -= chunk;
  }
  return TRUE;
}
