/* Calibration program for the instruction counter and the cycle model: three counted regions
 * whose instruction and cycle counts are known by hand (refill P = 2, so a taken branch costs 3).
 *
 *   region 0  nothing between the markers                                 0 instructions,  0 cycles
 *   region 1  bl (3) + movs (1) + 10 x (subs 1 + bne 1) + 9 taken (2 each)
 *             + bx lr (3)                                                 23 instructions, 45 cycles
 *   region 2  bl (3) + ldr 2, ldr 1, ldr 1 (pipelined after a load), str 1 (after a load),
 *             str 2 (after a store), ldm 3 regs 4, vldr 2, vmla 3,
 *             vdiv 14 + 1 (reads the vmla result at once) + bx lr (3)      11 instructions, 37 cycles
 */
  .syntax unified
  .thumb
  .fpu fpv4-sp-d16

  .data
  .align 2
nnc_calib_data:
  .float 1.5, 2.0, 3.0, 0.0, 0.0

  .text
  .align 2
  .global main
  .thumb_func
main:
  push {r4, lr}
  bl nnc_emu_begin
  bl nnc_emu_end
  bl nnc_emu_begin
  bl nnc_calib_loop
  bl nnc_emu_end
  ldr r0, =nnc_calib_data
  bl nnc_emu_begin
  bl nnc_calib_memory
  bl nnc_emu_end
  movs r0, #0
  pop {r4, pc}

  .thumb_func
nnc_calib_loop:
  movs r0, #10
1:
  subs r0, r0, #1
  bne 1b
  bx lr

  .thumb_func
nnc_calib_memory:
  ldr r1, [r0]
  ldr r2, [r0, #4]
  ldr r3, [r0, #8]
  str r3, [r0, #12]
  str r1, [r0, #16]
  ldm r0, {r1, r2, r3}
  vldr s0, [r0]
  vmla.f32 s1, s0, s0
  vdiv.f32 s2, s1, s0
  bx lr
  .ltorg
