/*
 * vga.h: the VGA text-mode console, 80x25 cells at physical 0xB8000
 * (arch/x86/vga.c). Only there when booted from BIOS in text mode; UEFI has
 * no text mode and uses kernel/dev/fbcon.c instead. One console, no lock:
 * the console layer serialises.
 */
#ifndef ARCH_VGA_H
#define ARCH_VGA_H

#include <stdint.h>

#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_TEXT_PA 0xB8000

/*
 * Start the console on the text buffer mapped at text_va (the virtual address
 * of VGA_TEXT_PA): clear the screen, grey on black, cursor top left and shown.
 */
void vga_init(uint16_t *text_va);

/*
 * Write one byte of terminal output through the VT100 interpreter
 * (kernel/include/kernel/vt.h, as fbcon_putc) and move the hardware cursor.
 * Bytes above 0x7E show as a small square. Does nothing before vga_init.
 */
void vga_putc(char c);

#endif
