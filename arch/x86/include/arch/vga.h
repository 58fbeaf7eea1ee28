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
 * Write one character at the cursor and move the hardware cursor after it.
 * '\n' goes to the start of the next line, '\r' to the start of this one,
 * '\b' one cell left (without erasing), '\t' to the next multiple of 8; other
 * control characters are ignored, bytes above 0x7E show as a small square.
 * Scrolls at the bottom. Does nothing before vga_init.
 */
void vga_putc(char c);

#endif
