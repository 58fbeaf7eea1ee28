/*
 * usb.c: USB devices, found through the xHCI driver (kernel/dev/xhci.c).
 *
 * When a root port (or a hub's port) has been reset, usb_enumerate makes
 * the device usable, the way every USB host does:
 *
 *   Enable Slot          the controller gives the device a slot (its id)
 *   Address Device       the slot context says where the device hangs
 *                        (root port, route string through hubs, speed, the
 *                        transaction translator of a high-speed hub); the
 *                        controller sends SET_ADDRESS itself
 *   GET_DESCRIPTOR       8 bytes of the device descriptor first, for endpoint
 *                        0's max packet size (Evaluate Context if it is not
 *                        our guess), then all 18, the product string, the
 *                        configuration with its interfaces and endpoints
 *   SET_CONFIGURATION    the first configuration
 *
 * A HID boot keyboard (interface class 3, subclass 1, protocol 1) then gets
 * SET_PROTOCOL(boot), SET_IDLE(0) and, by Configure Endpoint, a ring for
 * its interrupt-IN endpoint, where an 8-byte transfer stays queued
 * (xhci.c requeues it after each report and hands the report to
 * usb_kbd.c). A hub (class 9) is told to the controller (the slot's Hub
 * bit and port count), its ports are powered, and each port with a device
 * is reset and enumerated the same way, one route-string level deeper.
 *
 * Everything here runs at boot, before the timer polls the controller;
 * devices are kept in usb_devs[] for /proc/agora/usb (user/lsusb.c).
 */
#include <kernel/usb.h>
#include <kernel/console.h>
#include <arch/arch.h>
#include <arch/memlayout.h>
#include <agora/format.h>
#include <string.h>
#include "xhci.h"

struct usb_dev usb_devs[MAX_DEVS];
int usb_ndevs;

static const char *const speed_names[] = { "?", "full", "low", "high", "super", "super+" };

/* "5" for root port 5, "5.1.3" behind hubs (as lsusb's port path). */
static void port_path(const struct usb_dev *d, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%d", d->root_port);
    for (int lvl = 0; lvl < 5 && (d->route >> (4 * lvl)) & 0xF && (size_t)n < size; lvl++)
        n += snprintf(buf + n, size - (size_t)n, ".%u", (d->route >> (4 * lvl)) & 0xF);
}

static int get_descriptor(struct usb_dev *d, uint8_t type, uint8_t index, uint16_t lang,
                          uint16_t len)
{
    return xhci_control(d, 0x80, 6, (uint16_t)(type << 8 | index), lang, len);
}

/* ---- hubs ---------------------------------------------------------------- */

#define HUB_PORT_POWER  8
#define HUB_PORT_RESET  4
#define HUB_C_PORT_CONNECTION 16
#define HUB_C_PORT_RESET 20

/* A hub port's status (wPortStatus | wPortChange << 16), or 0 on error. */
static uint32_t hub_port_status(struct usb_dev *hub, int port)
{
    if (xhci_control(hub, 0xA3, 0, 0, (uint16_t)port, 4) < 0)
        return 0;
    return hub->buf[0] | hub->buf[1] << 8 | (uint32_t)hub->buf[2] << 16 |
           (uint32_t)hub->buf[3] << 24;
}

/*
 * A hub: tell the controller (the slot's Hub bit and port count, by
 * Configure Endpoint; the hub's interrupt endpoint is not used, its ports
 * are looked at once, now), power its ports, and reset and enumerate each
 * one with a device. Devices behind it get a route string of one more
 * level; a low- or full-speed device behind a high-speed hub needs the
 * hub's transaction translator, named in its slot context.
 */
static void hub_start(struct usb_dev *hub, int depth)
{
    bool ss = hub->speed >= SPEED_SUPER;
    if (xhci_control(hub, 0xA0, 6, ss ? 0x2A00 : 0x2900, 0, 9) < 0) {    /* class GET_DESCRIPTOR */
        printk("usb%d: hub in slot %d: no hub descriptor, skipped\n", hub->hc->index,
               hub->slot);
        return;
    }
    int nports = hub->buf[2];
    uint32_t pwr_ms = hub->buf[5] * 2u;
    uint32_t *ctl = xhci_in_ctx(hub, 0), *slot = xhci_in_ctx(hub, 1);
    ctl[0] = 0;
    ctl[1] = 1;                         /* the slot context only */
    slot[0] |= 1u << 26;                /* Hub */
    slot[1] = (slot[1] & 0x00FFFFFF) | (uint32_t)nports << 24;
    if (hub->speed == SPEED_HIGH) {
        slot[2] = (slot[2] & ~0x30000u);  /* TT think time: 8 FS bit times */
        if (hub->protocol == 2)
            slot[0] |= 1u << 25;        /* a transaction translator per port (MTT) */
    }
    if (xhci_command(hub->hc, hub->ctx_in_pa, TRB_TYPE(TRB_CONFIG_EP) | (uint32_t)hub->slot << 24,
                NULL) != CC_SUCCESS)
        printk("usb%d: hub in slot %d: Configure Endpoint failed\n", hub->hc->index, hub->slot);
    printk("usb%d: hub in slot %d: %d ports\n", hub->hc->index, hub->slot, nports);
    if (ss)                             /* SET_HUB_DEPTH: where it sits, for route strings */
        xhci_control(hub, 0x20, 12, (uint16_t)(depth - 1), 0, 0);
    for (int p = 1; p <= nports && p <= 15; p++)
        xhci_control(hub, 0x23, 3, HUB_PORT_POWER, (uint16_t)p, 0);
    arch_delay_ms(MAX(pwr_ms, 20u) + 50);
    for (int p = 1; p <= nports && p <= 15; p++) {
        uint32_t st = hub_port_status(hub, p);
        if (!(st & 1))
            continue;                   /* nothing connected */
        xhci_control(hub, 0x23, 1, HUB_C_PORT_CONNECTION, (uint16_t)p, 0);
        xhci_control(hub, 0x23, 3, HUB_PORT_RESET, (uint16_t)p, 0);
        bool done = false;
        for (int ms = 0; ms < 500 && !done; ms += 10) {
            arch_delay_ms(10);
            st = hub_port_status(hub, p);
            done = (st & (1u << 20)) && !(st & (1u << 4));   /* C_RESET, not resetting */
        }
        xhci_control(hub, 0x23, 1, HUB_C_PORT_RESET, (uint16_t)p, 0);
        if (!done || !(st & 2)) {
            printk("usb%d: hub slot %d port %d: reset failed (status %08x)\n", hub->hc->index,
                   hub->slot, p, st);
            continue;
        }
        arch_delay_ms(10);              /* reset recovery */
        int speed = ss ? SPEED_SUPER : (st & (1u << 9)) ? SPEED_LOW :
                    (st & (1u << 10)) ? SPEED_HIGH : SPEED_FULL;
        uint32_t route = hub->route | (uint32_t)p << (4 * (depth - 1));
        usb_enumerate(hub->hc, hub->root_port, route, speed, hub, p, depth + 1);
    }
}

/* ---- devices ------------------------------------------------------------- */

/* The configuration descriptor in d->buf (len bytes): the first interface's
 * class, and for a boot keyboard its interrupt-IN endpoint. Returns the
 * configuration value. */
static int parse_config(struct usb_dev *d, uint32_t len, int *iface, uint8_t *ep_addr,
                        uint16_t *ep_mps, uint8_t *ep_interval)
{
    const uint8_t *b = d->buf;
    int cur_iface = -1;
    bool in_kbd = false, first = true;
    for (uint32_t off = 0; off + 2 <= len && b[off] >= 2; off += b[off]) {
        const uint8_t *desc = b + off;
        if (desc[1] == 4 && off + 9 <= len) {           /* interface */
            cur_iface = desc[2];
            in_kbd = desc[5] == 3 && desc[6] == 1 && desc[7] == 1 && !d->is_kbd;
            if (in_kbd) {
                d->is_kbd = true;
                *iface = cur_iface;
            }
            if (first && d->class == 0) {
                d->class = desc[5];
                d->subclass = desc[6];
                d->protocol = desc[7];
            }
            first = false;
        } else if (desc[1] == 5 && off + 7 <= len && in_kbd) {  /* endpoint */
            if ((desc[2] & 0x80) && (desc[3] & 3) == 3 && !*ep_addr) {
                *ep_addr = desc[2];
                *ep_mps = (uint16_t)((desc[4] | desc[5] << 8) & 0x7FF);
                *ep_interval = desc[6];
            }
        }
    }
    return b[5];
}

/* The interval exponent of the endpoint context: periods of 2^n x 125 us.
 * High and super speed give bInterval as 2^(b-1) microframes; low and
 * full speed in frames (1 ms = 8 microframes). */
static uint32_t interval_exp(int speed, uint8_t b)
{
    if (speed >= SPEED_HIGH)
        return b ? MIN(b - 1u, 15u) : 0;
    uint32_t n = 3;
    while (n < 10 && (1u << (n + 1)) <= b * 8u)
        n++;
    return n;
}

static void get_name(struct usb_dev *d, uint8_t index)
{
    if (!index || get_descriptor(d, 3, 0, 0, 4) < 0 || d->buf[0] < 4)
        return;                         /* no string, or no language */
    uint16_t lang = (uint16_t)(d->buf[2] | d->buf[3] << 8);
    if (get_descriptor(d, 3, index, lang, 64) < 0)
        return;
    uint32_t n = MIN(d->buf[0], 64u), j = 0;
    for (uint32_t i = 2; i + 1 < n && j + 1 < sizeof(d->name); i += 2)
        d->name[j++] = (d->buf[i + 1] || d->buf[i] < 0x20 || d->buf[i] > 0x7E) ? '?' : (char)d->buf[i];
    d->name[j] = '\0';
}

static bool start_keyboard(struct usb_dev *d, int iface, uint8_t ep_addr, uint16_t mps,
                           uint8_t interval)
{
    if (!ep_addr) {
        printk("usb%d: keyboard in slot %d has no interrupt-IN endpoint\n", d->hc->index, d->slot);
        return false;
    }
    if (xhci_control(d, 0x21, 0x0B, 0, (uint16_t)iface, 0) < 0)          /* SET_PROTOCOL boot */
        printk("usb%d: slot %d: SET_PROTOCOL failed, hoping for boot reports\n",
               d->hc->index, d->slot);
    xhci_control(d, 0x21, 0x0A, 0, (uint16_t)iface, 0);  /* SET_IDLE(0): optional, may stall */
    int dci = 2 * (ep_addr & 0xF) + 1;
    if (!xhci_ring_init(&d->intr))
        return false;
    uint32_t *ctl = xhci_in_ctx(d, 0), *slot = xhci_in_ctx(d, 1);
    ctl[0] = 0;
    ctl[1] = 1u | 1u << dci;            /* slot and the endpoint */
    slot[0] = (slot[0] & 0x07FFFFFF) | (uint32_t)dci << 27;  /* context entries */
    xhci_set_ep(d, dci, 7, mps, interval_exp(d->speed, interval), &d->intr);
    uint32_t cc = xhci_command(d->hc, d->ctx_in_pa, TRB_TYPE(TRB_CONFIG_EP) | (uint32_t)d->slot << 24,
                          NULL);
    if (cc != CC_SUCCESS) {
        printk("usb%d: slot %d: Configure Endpoint failed (%u)\n", d->hc->index, d->slot, cc);
        return false;
    }
    d->kbd_dci = dci;
    d->kbd_iface = iface;
    d->intr_len = MIN(MAX(mps, 8), KBD_REPORT_MAX);
    xhci_ring_put(&d->intr, d->buf_pa + KBD_REPORT_OFF, 0, d->intr_len,
                  TRB_TYPE(TRB_NORMAL) | TRB_IOC);
    xhci_doorbell(d->hc, d->slot, (uint32_t)dci);
    return true;
}

/*
 * Give the device on root port root_port (behind hubs: route) an address
 * and find out what it is; start it if it is a keyboard or a hub.
 */
void usb_enumerate(struct xhci *hc, int root_port, uint32_t route, int speed,
                   struct usb_dev *parent, int parent_port, int depth)
{
    if (usb_ndevs == MAX_DEVS || depth > 5) {
        printk("usb%d: port %d: too many devices or hub levels, skipped\n", hc->index, root_port);
        return;
    }
    uint32_t slot_id = 0;
    uint32_t cc = xhci_command(hc, 0, TRB_TYPE(TRB_ENABLE_SLOT), &slot_id);
    if (cc != CC_SUCCESS || slot_id == 0 || slot_id > hc->max_slots) {
        printk("usb%d: port %d: Enable Slot failed (%u)\n", hc->index, root_port, cc);
        return;
    }
    struct usb_dev *d = &usb_devs[usb_ndevs];
    memset(d, 0, sizeof(*d));
    d->hc = hc;
    d->slot = (int)slot_id;
    d->root_port = root_port;
    d->route = route;
    d->speed = speed;
    d->parent = parent;
    d->parent_port = parent_port;
    void *out = xhci_dma_frame(&d->ctx_out_pa);
    d->ctx_in = xhci_dma_frame(&d->ctx_in_pa);
    d->buf = xhci_dma_frame(&d->buf_pa);
    if (!out || !d->ctx_in || !d->buf || !xhci_ring_init(&d->ep0)) {
        printk("usb%d: out of memory\n", hc->index);
        return;                         /* FIXME: the frames taken so far stay taken */
    }
    hc->dcbaa[slot_id] = d->ctx_out_pa;
    hc->slots[slot_id] = d;

    /* Address Device: the slot context (where the device hangs) and
     * endpoint 0, with a first guess at its max packet size. */
    uint32_t mps0 = speed == SPEED_SUPER ? 512 : speed == SPEED_HIGH ? 64 : 8;
    uint32_t *ctl = xhci_in_ctx(d, 0), *slot = xhci_in_ctx(d, 1);
    ctl[1] = 0x3;                       /* add the slot and endpoint 0 */
    slot[0] = route | (uint32_t)speed << 20 | 1u << 27;
    slot[1] = (uint32_t)root_port << 16;
    /* A low- or full-speed device behind a high-speed hub talks through
     * that hub's transaction translator: name the hub's slot and port. */
    for (struct usb_dev *h = parent; speed < SPEED_HIGH && h; h = h->parent) {
        if (h->speed == SPEED_HIGH) {
            int port = h == parent ? parent_port : 0;
            for (struct usb_dev *c = parent; c && c != h; c = c->parent)
                port = c->parent_port;
            slot[2] = (uint32_t)h->slot | (uint32_t)port << 8;
            if (h->protocol == 2)
                slot[0] |= 1u << 25;    /* its hub has one TT per port */
            break;
        }
    }
    xhci_set_ep(d, 1, 4, mps0, 0, &d->ep0);
    cc = xhci_command(hc, d->ctx_in_pa, TRB_TYPE(TRB_ADDRESS_DEV) | slot_id << 24, NULL);
    if (cc != CC_SUCCESS) {
        printk("usb%d: port %d: Address Device failed (%u)\n", hc->index, root_port, cc);
        hc->slots[slot_id] = NULL;
        return;
    }
    usb_ndevs++;
    arch_delay_ms(10);                  /* SET_ADDRESS recovery */

    if (get_descriptor(d, 1, 0, 0, 8) < 0) {
        printk("usb%d: port %d: no device descriptor, skipped\n", hc->index, root_port);
        return;
    }
    if (speed < SPEED_SUPER && d->buf[7] && d->buf[7] != mps0) {
        mps0 = d->buf[7];               /* Evaluate Context: the real size */
        ctl[0] = 0;
        ctl[1] = 0x2;
        xhci_set_ep(d, 1, 4, mps0, 0, &d->ep0);
        uint32_t *ep0 = xhci_in_ctx(d, 2);
        uint32_t *cur = (uint32_t *)(P2V(d->ctx_out_pa) + hc->ctx_size);
        ep0[2] = cur[2];                /* keep the controller's dequeue pointer */
        if (xhci_command(hc, d->ctx_in_pa, TRB_TYPE(TRB_EVAL_CTX) | slot_id << 24, NULL) != CC_SUCCESS)
            printk("usb%d: slot %u: Evaluate Context failed\n", hc->index, slot_id);
    }
    if (get_descriptor(d, 1, 0, 0, 18) < 0) {
        printk("usb%d: slot %u: device descriptor failed, skipped\n", hc->index, slot_id);
        return;
    }
    d->class = d->buf[4];
    d->subclass = d->buf[5];
    d->protocol = d->buf[6];
    d->vendor = (uint16_t)(d->buf[8] | d->buf[9] << 8);
    d->product = (uint16_t)(d->buf[10] | d->buf[11] << 8);
    uint8_t iproduct = d->buf[15];
    get_name(d, iproduct);

    int cfg = -1, iface = 0;
    uint8_t ep_addr = 0, ep_interval = 0;
    uint16_t ep_mps = 8;
    if (get_descriptor(d, 2, 0, 0, 9) == 0) {
        uint32_t total = MIN((uint32_t)(d->buf[2] | d->buf[3] << 8), 2048u);
        if (get_descriptor(d, 2, 0, 0, (uint16_t)total) == 0)
            cfg = parse_config(d, total, &iface, &ep_addr, &ep_mps, &ep_interval);
    }
    char path[24];
    port_path(d, path, sizeof(path));
    printk("usb%d: port %s slot %u: %04x:%04x class %02x %s speed \"%s\"\n", hc->index,
           path, slot_id, d->vendor, d->product, d->class,
           speed_names[speed < 6 ? speed : 0], d->name);
    if (cfg < 0 || xhci_control(d, 0x00, 9, (uint16_t)cfg, 0, 0) < 0) {
        printk("usb%d: slot %u: SET_CONFIGURATION failed, left unconfigured\n", hc->index,
               slot_id);
        d->is_kbd = false;
        return;
    }
    if (d->is_kbd && start_keyboard(d, iface, ep_addr, ep_mps, ep_interval))
        printk("usb%d: slot %u: boot keyboard, endpoint %02x every %u ms\n", hc->index, slot_id,
               ep_addr, speed >= SPEED_HIGH ? (1u << (ep_interval ? ep_interval - 1 : 0)) / 8 : ep_interval);
    else
        d->is_kbd = false;
    if (d->class == 9)
        hub_start(d, depth);
}

/* Per tick (interrupts off): a keyboard's repeat and its LEDs. */
void usb_dev_tick(struct usb_dev *d)
{
    if (!d->is_kbd)
        return;
    usb_kbd_tick(&d->kbd);
    /* Caps Lock's light: SET_REPORT of the one-byte output report. */
    if (d->kbd.leds_changed) {
        d->buf[KBD_LED_OFF] = d->kbd.leds;
        if (xhci_control_async(d, 0x21, 0x09, 0x0200, (uint16_t)d->kbd_iface, 1,
                               d->buf_pa + KBD_LED_OFF) == 0)
            d->kbd.leds_changed = false;
    }
}

/* /proc/agora/usb, one device a line:
 *   BUS PORT-PATH SLOT VVVV:PPPP CLASS SUBCLASS PROTOCOL SPEED PRODUCT
 * (hex ids and classes; the product string, "-" if none, may hold blanks). */
void usb_show(void (*put)(void *ctx, const char *s), void *ctx)
{
    char line[128], path[24];
    for (int i = 0; i < usb_ndevs; i++) {
        const struct usb_dev *d = &usb_devs[i];
        port_path(d, path, sizeof(path));
        snprintf(line, sizeof(line), "%d %s %d %04x:%04x %02x %02x %02x %s %s\n", d->hc->index,
                 path, d->slot, d->vendor, d->product, d->class, d->subclass, d->protocol,
                 speed_names[d->speed < 6 ? d->speed : 0], d->name[0] ? d->name : "-");
        put(ctx, line);
    }
}
