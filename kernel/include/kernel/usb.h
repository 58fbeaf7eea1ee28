/*
 * usb.h: USB. The host-controller driver (kernel/dev/xhci.c) enumerates the
 * devices at boot and feeds HID boot keyboards (kernel/dev/usb_kbd.c);
 * /proc/agora/usb lists the devices (user/lsusb.c reads it).
 */
#ifndef KERNEL_USB_H
#define KERNEL_USB_H

#include <kernel/types.h>

/* Boot, after pci_init: start every xHCI controller and its devices. */
void usb_init(void);
/* The timer tick (HZ, interrupts off): poll the controllers' event rings,
 * deliver keyboard reports, repeat held keys. */
void usb_tick(void);
/* /proc/agora/usb: one line per device, written through put. */
void usb_show(void (*put)(void *ctx, const char *s), void *ctx);

/* A HID boot-protocol keyboard's state (usb_kbd.c). */
struct usb_kbd {
    uint8_t prev[8];                    /* the last report */
    uint8_t repeat_usage;               /* the key that repeats, 0: none */
    uint64_t repeat_tick;               /* when it next repeats */
    bool caps_lock;
    uint8_t leds;                       /* bit 0 Num, 1 Caps, 2 Scroll Lock */
    bool leds_changed;                  /* the keyboard should be told */
};
/* An 8-byte boot report arrived: type what changed. Interrupts off. */
void usb_kbd_report(struct usb_kbd *k, const uint8_t report[8]);
/* Once per tick: key repeat. Interrupts off. */
void usb_kbd_tick(struct usb_kbd *k);

#endif
