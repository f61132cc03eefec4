/* Start-up code for running generated models on QEMU's mps2-an386 board (a Cortex-M4 with the
 * FPv4-SP FPU) under `nncompile verify --emulate`. Bare metal: a vector table, a reset handler
 * that turns the FPU on before any FP instruction can run, .data/.bss set-up, newlib's
 * semihosting stdio (rdimon), and the markers the instruction counter watches. */
#include <stdint.h>
#include <stdlib.h>

extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern uint32_t __stack_top[], __stack_limit[];
extern int main(void);
extern void initialise_monitor_handles(void);

void Reset_Handler(void);
void nnc_emu_start(void);
void nnc_emu_fault(void);

/* Cortex-M: word 0 is the initial SP, then the exception handlers (Thumb addresses). */
__attribute__((section(".vectors"), used)) void (*const nnc_emu_vectors[16])(void) = {
  (void (*)(void))__stack_top, Reset_Handler, nnc_emu_fault, nnc_emu_fault, nnc_emu_fault, nnc_emu_fault,
  nnc_emu_fault, 0, 0, 0, 0, nnc_emu_fault, nnc_emu_fault, 0, nnc_emu_fault, nnc_emu_fault,
};

/* In asm, so that no FP instruction (which the compiler may put in any C prologue) runs before
 * CPACR grants CP10/CP11 full access. */
__attribute__((naked)) void Reset_Handler(void) {
  __asm__ volatile(
    "ldr r0, =__stack_top\n"
    "mov sp, r0\n"
    "ldr r0, =0xE000ED88\n"   /* CPACR */
    "ldr r1, [r0]\n"
    "orr r1, r1, #0x00F00000\n"
    "str r1, [r0]\n"
    "dsb\n"
    "isb\n"
    "b nnc_emu_start\n");
}

void nnc_emu_start(void) {
  uint32_t *src = __data_load, *dst = __data_start;
  while (dst < __data_end) *dst++ = *src++;
  for (dst = __bss_start; dst < __bss_end; dst++) *dst = 0;
  initialise_monitor_handles();
  exit(main());
}

/* Any fault ends the run with status 70, which the host reports as a guest fault. */
void nnc_emu_fault(void) { _Exit(70); }

/* The instruction counter counts from the return of nnc_emu_begin to the call of nnc_emu_end.
 * Both are one `bx lr`, aligned, so each is a translation block of its own. */
__attribute__((naked, noinline, aligned(8))) void nnc_emu_begin(void) { __asm__ volatile("bx lr"); }
__attribute__((naked, noinline, aligned(8))) void nnc_emu_end(void) { __asm__ volatile("bx lr"); }

/* The caller's stack pointer (naked: nothing is pushed before it is read). */
__attribute__((naked, noinline)) uint32_t nnc_emu_sp(void) { __asm__ volatile("mov r0, sp\n bx lr"); }

#define NNC_EMU_PAINT 0xC5A5C5A5u

/* Fills the free stack below this function's frame with a pattern (peak stack by painting). */
__attribute__((noinline)) void nnc_emu_paint_stack(void) {
  uint32_t *p = __stack_limit, *end = (uint32_t *)(nnc_emu_sp() - 64u);
  while (p < end) *p++ = NNC_EMU_PAINT;
}

/* Bytes of stack used below `base` (a caller's SP) since the last paint. */
uint32_t nnc_emu_stack_used(uint32_t base) {
  const uint32_t *p = __stack_limit;
  while ((uint32_t)p < base && *p == NNC_EMU_PAINT) p++;
  return base - (uint32_t)p;
}
