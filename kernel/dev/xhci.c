/*
 * xhci.c: the xHCI (USB 3) host controller and USB device enumeration.
 *
 * An xHCI controller (PCI class 0C0330) is programmed through four register
 * blocks in its BAR0 (capability, operational, runtime, doorbells) and
 * through data structures in RAM that it reads and writes by DMA:
 *
 *   DCBAA     the Device Context Base Address Array: for each slot (one per
 *             device) the physical address of its device context, where
 *             the controller keeps the device's state; entry 0 points at
 *             the scratchpad buffers the controller may ask for
 *   rings     arrays of 16-byte TRBs (Transfer Request Blocks). The command
 *             ring and one transfer ring per endpoint go from us to the
 *             controller; the event ring comes back. Whose turn a TRB is
 *             is told by its cycle bit, which flips every lap round the
 *             ring; a Link TRB at the end of our rings points back to the
 *             start ("toggle cycle" set). The event ring is described by a
 *             one-entry segment table (ERST) instead.
 *   contexts  an input context (what we ask for: a control word saying
 *             which contexts to add, then the slot context and one context
 *             per endpoint, 32 or 64 bytes each as HCCPARAMS1.CSZ says) is
 *             handed to Address Device and Configure Endpoint commands.
 *
 * We put a TRB on a ring and ring the doorbell (doorbell 0: the command
 * ring; doorbell N: slot N, with the endpoint's number); the controller
 * answers on the event ring. agora uses no interrupt for it: at boot the
 * driver polls the event ring while it waits, and afterwards the timer tick
 * (usb_tick, HZ times a second, from arch/x86/trap.c) polls it and passes
 * keyboard reports on. At 100 Hz that is fast enough for typing and is the
 * simplest scheme there is; MSI would be the next step.
 *
 * Boot sequence (xhci_start): map BAR0 (uncached), enable memory decoding
 * and bus mastering, take the controller from the BIOS (USB Legacy Support
 * capability), halt and reset it, set up DCBAA, scratchpad, command ring,
 * event ring, run it, then enumerate every root port with a device: port
 * reset (USB 2 ports; USB 3 ports enable themselves), Enable Slot, Address
 * Device, GET_DESCRIPTOR (device, configuration, product string),
 * SET_CONFIGURATION, and for a HID boot keyboard SET_PROTOCOL(boot),
 * SET_IDLE(0) and Configure Endpoint for its interrupt-IN endpoint, on
 * whose ring one 8-byte transfer stays queued. Hubs are enumerated the
 * same way, port by port, through hub class requests (usb_hub_*).
 *
 * Every wait is bounded: a controller or device that does not answer is
 * reported and skipped, never waited for forever, never a panic. DMA memory
 * is whole frames from pmm inside the direct map (below 4 GiB, as the
 * 32-bit kernel's memory all is). Devices plugged in after boot are not
 * seen (port-change events are ignored).
 */
#include <kernel/usb.h>
#include <kernel/pci.h>
#include <kernel/pmm.h>
#include <kernel/vm.h>
#include <kernel/console.h>
#include <uapi/errno.h>
#include <arch/arch.h>
#include <arch/memlayout.h>
#include <agora/format.h>
#include <string.h>

#define MAX_HCS     4
#define MAX_DEVS    16
#define RING_TRBS   (PAGE_SIZE / 16)    /* one frame per ring, the last a Link */

/* Capability registers. */
#define CAP_CAPLENGTH  0x00
#define CAP_HCSPARAMS1 0x04
#define CAP_HCSPARAMS2 0x08
#define CAP_HCCPARAMS1 0x10
#define CAP_DBOFF      0x14
#define CAP_RTSOFF     0x18
/* Operational registers. */
#define OP_USBCMD  0x00
#define OP_USBSTS  0x04
#define OP_PAGESIZE 0x08
#define OP_CRCR    0x18
#define OP_DCBAAP  0x30
#define OP_CONFIG  0x38
#define OP_PORTSC(n) (0x400 + 0x10 * ((n) - 1))
#define CMD_RUN    0x1
#define CMD_HCRST  0x2
#define STS_HCH    0x1                  /* halted */
#define STS_CNR    (1u << 11)           /* controller not ready */
/* PORTSC bits. */
#define PORT_CCS   (1u << 0)            /* a device is connected */
#define PORT_PED   (1u << 1)            /* enabled (write 1: disable) */
#define PORT_PR    (1u << 4)            /* reset */
#define PORT_PP    (1u << 9)            /* power */
#define PORT_SPEED(v) (((v) >> 10) & 0xF)
#define PORT_PRC   (1u << 21)           /* reset finished */
#define PORT_RW1C  0x00FE0000u          /* the change bits 17-23 */
/* A PORTSC value to write back without side effects: no change bit
 * cleared, not disabled, no reset, no link-state or warm-reset strobe. */
#define PORT_NEUTRAL(v) ((v) & ~(PORT_RW1C | PORT_PED | PORT_PR | (1u << 16) | (1u << 31)))
/* Runtime registers: interrupter 0. */
#define RT_IMAN    0x20
#define RT_ERSTSZ  0x28
#define RT_ERSTBA  0x30
#define RT_ERDP    0x38

/* TRB types and fields. */
#define TRB_NORMAL    1
#define TRB_SETUP     2
#define TRB_DATA      3
#define TRB_STATUS    4
#define TRB_LINK      6
#define TRB_NOOP      8
#define TRB_ENABLE_SLOT   9
#define TRB_ADDRESS_DEV   11
#define TRB_CONFIG_EP     12
#define TRB_EVAL_CTX      13
#define TRB_EV_TRANSFER   32
#define TRB_EV_COMMAND    33
#define TRB_EV_PORT       34
#define TRB_TYPE(t)   ((uint32_t)(t) << 10)
#define TRB_GET_TYPE(c) (((c) >> 10) & 0x3F)
#define TRB_CYCLE     (1u << 0)
#define TRB_TC        (1u << 1)         /* Link: toggle the cycle */
#define TRB_IOC       (1u << 5)         /* an event when done */
#define TRB_IDT       (1u << 6)         /* the data is in the TRB (setup) */
#define TRB_DIR_IN    (1u << 16)
#define CC_SUCCESS    1
#define CC_SHORT      13

/* Port speeds (PORTSC, slot context). */
#define SPEED_FULL  1
#define SPEED_LOW   2
#define SPEED_HIGH  3
#define SPEED_SUPER 4

struct trb {
    uint32_t p0, p1, status, ctrl;
};

struct ring {
    struct trb *trbs;                   /* one frame */
    paddr_t pa;
    uint32_t idx;                       /* next TRB to fill */
    uint32_t cycle;                     /* our cycle bit this lap */
};

struct xhci;

struct usb_dev {
    struct xhci *hc;
    int slot;
    int root_port;                      /* 1-based root-hub port it hangs from */
    uint32_t route;                     /* hub ports below the root port, 4 bits each */
    int speed;
    struct usb_dev *parent;             /* its hub, NULL at a root port */
    int parent_port;
    uint8_t *ctx_in;                    /* input context (one frame) */
    paddr_t ctx_in_pa;
    paddr_t ctx_out_pa;                 /* device context, the controller's */
    struct ring ep0;
    uint8_t *buf;                       /* one frame for descriptors and reports */
    paddr_t buf_pa;
    volatile bool ep0_done;             /* the control transfer's event came */
    uint32_t ep0_code;
    /* What its descriptors say. */
    uint16_t vendor, product;
    uint8_t class, subclass, protocol;  /* the device's, else its first interface's */
    char name[32];                      /* product string */
    /* HID boot keyboard. */
    bool is_kbd;
    int kbd_dci;                        /* its interrupt-IN endpoint's context index */
    struct ring intr;
    struct usb_kbd kbd;
    bool intr_dead;
};

struct xhci {
    const struct pci_func *pci;
    int index;
    volatile uint8_t *cap, *op, *rt, *db;
    uint32_t max_slots, max_ports, ctx_size;
    uint64_t *dcbaa;
    paddr_t dcbaa_pa;
    struct ring cmd;
    struct trb *ev;                     /* the event ring, one frame */
    paddr_t ev_pa;
    uint32_t ev_idx, ev_cycle;
    uint8_t port_major[256];            /* USB major version of each root port */
    struct usb_dev *slots[256];
    volatile bool cmd_done;
    uint32_t cmd_code, cmd_slot;
    bool running;
};

static struct xhci hcs[MAX_HCS];
static int nhcs;
static struct usb_dev devs[MAX_DEVS];
static int ndevs;
static volatile bool usb_ready;         /* boot enumeration over: the tick may poll */

static const char *const speed_names[] = { "?", "full", "low", "high", "super", "super+" };

/* "5" for root port 5, "5.1.3" behind hubs (as lsusb's port path). */
static void port_path(const struct usb_dev *d, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%d", d->root_port);
    for (int lvl = 0; lvl < 5 && (d->route >> (4 * lvl)) & 0xF && (size_t)n < size; lvl++)
        n += snprintf(buf + n, size - (size_t)n, ".%u", (d->route >> (4 * lvl)) & 0xF);
}

/* ---- registers and DMA memory ------------------------------------------ */

static uint32_t rd(volatile uint8_t *base, uint32_t off)
{
    return *(volatile uint32_t *)(base + off);
}

static void wr(volatile uint8_t *base, uint32_t off, uint32_t v)
{
    *(volatile uint32_t *)(base + off) = v;
}

/* 64-bit registers, written low half first; the high half is 0 here. */
static void wr64(volatile uint8_t *base, uint32_t off, paddr_t v)
{
    wr(base, off, v);
    wr(base, off + 4, 0);
}

static void barrier(void)
{
    __asm__ volatile("" ::: "memory");  /* x86 keeps stores in order */
}

/* A zeroed frame in the direct map for DMA; NULL when memory is out. */
static void *dma_frame(paddr_t *pa)
{
    paddr_t p = pmm_alloc_kframe();
    if (!p)
        return NULL;
    *pa = p;
    memset(P2V(p), 0, PAGE_SIZE);
    return P2V(p);
}

/* Wait up to ms milliseconds for (reg & mask) == want. */
static bool wait_reg(volatile uint8_t *base, uint32_t off, uint32_t mask, uint32_t want,
                     unsigned ms)
{
    for (unsigned i = 0; i <= ms; i++) {
        if ((rd(base, off) & mask) == want)
            return true;
        arch_delay_ms(1);
    }
    return false;
}

/* ---- rings --------------------------------------------------------------- */

static bool ring_init(struct ring *r)
{
    r->trbs = dma_frame(&r->pa);
    r->idx = 0;
    r->cycle = 1;
    return r->trbs != NULL;
}

/* Put one TRB on r (the cycle bit last, so the controller never sees half
 * of it); returns its physical address. At the end the Link TRB hands the
 * controller back to the start and our cycle bit flips. */
static paddr_t ring_put(struct ring *r, uint32_t p0, uint32_t p1, uint32_t status, uint32_t ctrl)
{
    struct trb *t = &r->trbs[r->idx];
    paddr_t pa = r->pa + r->idx * sizeof(struct trb);
    t->p0 = p0;
    t->p1 = p1;
    t->status = status;
    barrier();
    t->ctrl = (ctrl & ~TRB_CYCLE) | r->cycle;
    if (++r->idx == RING_TRBS - 1) {
        struct trb *link = &r->trbs[RING_TRBS - 1];
        link->p0 = r->pa;
        link->p1 = 0;
        link->status = 0;
        barrier();
        link->ctrl = TRB_TYPE(TRB_LINK) | TRB_TC | r->cycle;
        r->cycle ^= 1;
        r->idx = 0;
    }
    return pa;
}

/* Make room for n TRBs of one transfer before the Link TRB (a control
 * transfer's stages must not straddle it without chain bits): fill the
 * rest of the lap with no-ops. */
static void ring_reserve(struct ring *r, uint32_t n)
{
    if (r->idx + n <= RING_TRBS - 1)
        return;
    while (r->idx != 0)
        ring_put(r, 0, 0, 0, TRB_TYPE(TRB_NOOP));
}

static void doorbell(struct xhci *hc, int slot, uint32_t target)
{
    barrier();
    wr(hc->db, 4 * (uint32_t)slot, target);
}

/* ---- the event ring ------------------------------------------------------ */

static void transfer_event(struct xhci *hc, const struct trb *ev)
{
    uint32_t slot = ev->ctrl >> 24, dci = (ev->ctrl >> 16) & 0x1F;
    uint32_t code = ev->status >> 24;
    struct usb_dev *d = hc->slots[slot];
    if (!d)
        return;
    if (dci == 1) {
        d->ep0_code = code;
        d->ep0_done = true;
        return;
    }
    if (!d->is_kbd || (int)dci != d->kbd_dci)
        return;
    if (code == CC_SUCCESS || code == CC_SHORT) {
        if (usb_ready)
            usb_kbd_report(&d->kbd, d->buf + 2048);
        ring_put(&d->intr, d->buf_pa + 2048, 0, 8, TRB_TYPE(TRB_NORMAL) | TRB_IOC);
        doorbell(hc, d->slot, dci);
    } else if (!d->intr_dead) {
        d->intr_dead = true;            /* FIXME: a Reset Endpoint would revive it */
        printk("usb: keyboard in slot %u: transfer error %u, keyboard stopped\n", slot, code);
    }
}

/* Handle every event the controller has posted, then tell it how far we
 * read (ERDP, with the busy bit cleared by writing it). */
static void poll_events(struct xhci *hc)
{
    bool any = false;
    for (;;) {
        struct trb *ev = &hc->ev[hc->ev_idx];
        if ((ev->ctrl & TRB_CYCLE) != hc->ev_cycle)
            break;
        barrier();
        switch (TRB_GET_TYPE(ev->ctrl)) {
        case TRB_EV_COMMAND:
            hc->cmd_code = ev->status >> 24;
            hc->cmd_slot = ev->ctrl >> 24;
            hc->cmd_done = true;
            break;
        case TRB_EV_TRANSFER:
            transfer_event(hc, ev);
            break;
        default:                        /* port changes and the rest */
            break;
        }
        any = true;
        if (++hc->ev_idx == RING_TRBS) {
            hc->ev_idx = 0;
            hc->ev_cycle ^= 1;
        }
    }
    if (any)
        wr64(hc->rt, RT_ERDP, (hc->ev_pa + hc->ev_idx * sizeof(struct trb)) | (1u << 3));
}

/* Run a command; its completion code (0 on timeout), *slot its slot id. */
static uint32_t command(struct xhci *hc, uint32_t p0, uint32_t ctrl, uint32_t *slot)
{
    hc->cmd_done = false;
    ring_put(&hc->cmd, p0, 0, 0, ctrl);
    doorbell(hc, 0, 0);
    for (int ms = 0; ms < 1000; ms++) {
        poll_events(hc);
        if (hc->cmd_done) {
            if (slot)
                *slot = hc->cmd_slot;
            return hc->cmd_code;
        }
        arch_delay_ms(1);
    }
    printk("usb%d: command %u timed out\n", hc->index, TRB_GET_TYPE(ctrl));
    return 0;
}

/* ---- control transfers --------------------------------------------------- */

/*
 * A control transfer on d's endpoint 0: the setup stage (the 8-byte
 * request, inside the TRB), a data stage of len bytes in d->buf when len is
 * not 0, and a status stage in the other direction that asks for the
 * event. 0, -EIO (the device said no) or -ETIMEDOUT.
 */
static int control(struct usb_dev *d, uint8_t type, uint8_t req, uint16_t value,
                   uint16_t index, uint16_t len)
{
    bool in = type & 0x80;
    uint32_t trt = len == 0 ? 0 : in ? 3 : 2;     /* no data, OUT, IN */
    ring_reserve(&d->ep0, 3);
    ring_put(&d->ep0, type | (uint32_t)req << 8 | (uint32_t)value << 16,
             index | (uint32_t)len << 16, 8, TRB_TYPE(TRB_SETUP) | TRB_IDT | trt << 16);
    if (len)
        ring_put(&d->ep0, d->buf_pa, 0, len, TRB_TYPE(TRB_DATA) | (in ? TRB_DIR_IN : 0));
    d->ep0_done = false;
    ring_put(&d->ep0, 0, 0, 0,
             TRB_TYPE(TRB_STATUS) | TRB_IOC | ((len && in) ? 0 : TRB_DIR_IN));
    doorbell(d->hc, d->slot, 1);
    for (int ms = 0; ms < 500; ms++) {
        poll_events(d->hc);
        if (d->ep0_done)
            return d->ep0_code == CC_SUCCESS || d->ep0_code == CC_SHORT ? 0 : -EIO;
        arch_delay_ms(1);
    }
    return -ETIMEDOUT;
}

static int get_descriptor(struct usb_dev *d, uint8_t type, uint8_t index, uint16_t lang,
                          uint16_t len)
{
    return control(d, 0x80, 6, (uint16_t)(type << 8 | index), lang, len);
}

/* ---- contexts ------------------------------------------------------------ */

/* Context i of the input context: 0 the control word, 1 the slot, 1 + dci
 * an endpoint. */
static uint32_t *in_ctx(struct usb_dev *d, int i)
{
    return (uint32_t *)(d->ctx_in + i * d->hc->ctx_size);
}

/* The endpoint context for dci: type, max packet, interval exponent, ring. */
static void set_ep(struct usb_dev *d, int dci, uint32_t type, uint32_t mps, uint32_t interval,
                   const struct ring *r)
{
    uint32_t *ep = in_ctx(d, 1 + dci);
    memset(ep, 0, d->hc->ctx_size);
    ep[0] = interval << 16;
    ep[1] = 3u << 1 | type << 3 | mps << 16;        /* three retries on errors */
    ep[2] = r->pa | r->cycle;                       /* dequeue pointer, its cycle */
    ep[3] = 0;
    ep[4] = 8 | (type == 7 ? mps << 16 : 0);        /* average TRB length; max payload */
}

/* ---- hubs ---------------------------------------------------------------- */

static void enumerate(struct xhci *hc, int root_port, uint32_t route, int speed,
                      struct usb_dev *parent, int parent_port, int depth);

#define HUB_PORT_POWER  8
#define HUB_PORT_RESET  4
#define HUB_C_PORT_CONNECTION 16
#define HUB_C_PORT_RESET 20

/* A hub port's status (wPortStatus | wPortChange << 16), or 0 on error. */
static uint32_t hub_port_status(struct usb_dev *hub, int port)
{
    if (control(hub, 0xA3, 0, 0, (uint16_t)port, 4) < 0)
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
    if (control(hub, 0xA0, 6, ss ? 0x2A00 : 0x2900, 0, 9) < 0) {    /* class GET_DESCRIPTOR */
        printk("usb%d: hub in slot %d: no hub descriptor, skipped\n", hub->hc->index,
               hub->slot);
        return;
    }
    int nports = hub->buf[2];
    uint32_t pwr_ms = hub->buf[5] * 2u;
    uint32_t *ctl = in_ctx(hub, 0), *slot = in_ctx(hub, 1);
    ctl[0] = 0;
    ctl[1] = 1;                         /* the slot context only */
    slot[0] |= 1u << 26;                /* Hub */
    slot[1] = (slot[1] & 0x00FFFFFF) | (uint32_t)nports << 24;
    if (hub->speed == SPEED_HIGH)
        slot[2] = (slot[2] & ~0x30000u);  /* TT think time: 8 FS bit times */
    if (command(hub->hc, hub->ctx_in_pa, TRB_TYPE(TRB_CONFIG_EP) | (uint32_t)hub->slot << 24,
                NULL) != CC_SUCCESS)
        printk("usb%d: hub in slot %d: Configure Endpoint failed\n", hub->hc->index, hub->slot);
    printk("usb%d: hub in slot %d: %d ports\n", hub->hc->index, hub->slot, nports);
    for (int p = 1; p <= nports && p <= 15; p++)
        control(hub, 0x23, 3, HUB_PORT_POWER, (uint16_t)p, 0);
    arch_delay_ms(MAX(pwr_ms, 20u) + 50);
    for (int p = 1; p <= nports && p <= 15; p++) {
        uint32_t st = hub_port_status(hub, p);
        if (!(st & 1))
            continue;                   /* nothing connected */
        control(hub, 0x23, 1, HUB_C_PORT_CONNECTION, (uint16_t)p, 0);
        control(hub, 0x23, 3, HUB_PORT_RESET, (uint16_t)p, 0);
        bool done = false;
        for (int ms = 0; ms < 500 && !done; ms += 10) {
            arch_delay_ms(10);
            st = hub_port_status(hub, p);
            done = (st & (1u << 20)) && !(st & (1u << 4));   /* C_RESET, not resetting */
        }
        control(hub, 0x23, 1, HUB_C_PORT_RESET, (uint16_t)p, 0);
        if (!done || !(st & 2)) {
            printk("usb%d: hub slot %d port %d: reset failed (status %08x)\n", hub->hc->index,
                   hub->slot, p, st);
            continue;
        }
        arch_delay_ms(10);              /* reset recovery */
        int speed = ss ? SPEED_SUPER : (st & (1u << 9)) ? SPEED_LOW :
                    (st & (1u << 10)) ? SPEED_HIGH : SPEED_FULL;
        uint32_t route = hub->route | (uint32_t)p << (4 * (depth - 1));
        enumerate(hub->hc, hub->root_port, route, speed, hub, p, depth + 1);
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
    if (!index || get_descriptor(d, 3, 0, 0, 4) < 0)
        return;
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
    if (control(d, 0x21, 0x0B, 0, (uint16_t)iface, 0) < 0)          /* SET_PROTOCOL boot */
        printk("usb%d: slot %d: SET_PROTOCOL failed, hoping for boot reports\n",
               d->hc->index, d->slot);
    control(d, 0x21, 0x0A, 0, (uint16_t)iface, 0);  /* SET_IDLE(0): optional, may stall */
    int dci = 2 * (ep_addr & 0xF) + 1;
    if (!ring_init(&d->intr))
        return false;
    uint32_t *ctl = in_ctx(d, 0), *slot = in_ctx(d, 1);
    ctl[0] = 0;
    ctl[1] = 1u | 1u << dci;            /* slot and the endpoint */
    slot[0] = (slot[0] & 0x07FFFFFF) | (uint32_t)dci << 27;  /* context entries */
    set_ep(d, dci, 7, mps, interval_exp(d->speed, interval), &d->intr);
    uint32_t cc = command(d->hc, d->ctx_in_pa, TRB_TYPE(TRB_CONFIG_EP) | (uint32_t)d->slot << 24,
                          NULL);
    if (cc != CC_SUCCESS) {
        printk("usb%d: slot %d: Configure Endpoint failed (%u)\n", d->hc->index, d->slot, cc);
        return false;
    }
    d->kbd_dci = dci;
    ring_put(&d->intr, d->buf_pa + 2048, 0, 8, TRB_TYPE(TRB_NORMAL) | TRB_IOC);
    doorbell(d->hc, d->slot, (uint32_t)dci);
    return true;
}

/*
 * Give the device on root port root_port (behind hubs: route) an address
 * and find out what it is; start it if it is a keyboard or a hub.
 */
static void enumerate(struct xhci *hc, int root_port, uint32_t route, int speed,
                      struct usb_dev *parent, int parent_port, int depth)
{
    if (ndevs == MAX_DEVS || depth > 5) {
        printk("usb%d: port %d: too many devices or hub levels, skipped\n", hc->index, root_port);
        return;
    }
    uint32_t slot_id = 0;
    uint32_t cc = command(hc, 0, TRB_TYPE(TRB_ENABLE_SLOT), &slot_id);
    if (cc != CC_SUCCESS || slot_id == 0 || slot_id > hc->max_slots) {
        printk("usb%d: port %d: Enable Slot failed (%u)\n", hc->index, root_port, cc);
        return;
    }
    struct usb_dev *d = &devs[ndevs];
    memset(d, 0, sizeof(*d));
    d->hc = hc;
    d->slot = (int)slot_id;
    d->root_port = root_port;
    d->route = route;
    d->speed = speed;
    d->parent = parent;
    d->parent_port = parent_port;
    void *out = dma_frame(&d->ctx_out_pa);
    d->ctx_in = dma_frame(&d->ctx_in_pa);
    d->buf = dma_frame(&d->buf_pa);
    if (!out || !d->ctx_in || !d->buf || !ring_init(&d->ep0)) {
        printk("usb%d: out of memory\n", hc->index);
        return;                         /* FIXME: the frames taken so far stay taken */
    }
    hc->dcbaa[slot_id] = d->ctx_out_pa;
    hc->slots[slot_id] = d;

    /* Address Device: the slot context (where the device hangs) and
     * endpoint 0, with a first guess at its max packet size. */
    uint32_t mps0 = speed == SPEED_SUPER ? 512 : speed == SPEED_HIGH ? 64 : 8;
    uint32_t *ctl = in_ctx(d, 0), *slot = in_ctx(d, 1);
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
            break;
        }
    }
    set_ep(d, 1, 4, mps0, 0, &d->ep0);
    cc = command(hc, d->ctx_in_pa, TRB_TYPE(TRB_ADDRESS_DEV) | slot_id << 24, NULL);
    if (cc != CC_SUCCESS) {
        printk("usb%d: port %d: Address Device failed (%u)\n", hc->index, root_port, cc);
        hc->slots[slot_id] = NULL;
        return;
    }
    ndevs++;
    arch_delay_ms(10);                  /* SET_ADDRESS recovery */

    if (get_descriptor(d, 1, 0, 0, 8) < 0) {
        printk("usb%d: port %d: no device descriptor, skipped\n", hc->index, root_port);
        return;
    }
    if (speed < SPEED_SUPER && d->buf[7] && d->buf[7] != mps0) {
        mps0 = d->buf[7];               /* Evaluate Context: the real size */
        ctl[0] = 0;
        ctl[1] = 0x2;
        set_ep(d, 1, 4, mps0, 0, &d->ep0);
        uint32_t *ep0 = in_ctx(d, 2);
        uint32_t *cur = (uint32_t *)(P2V(d->ctx_out_pa) + hc->ctx_size);
        ep0[2] = cur[2];                /* keep the controller's dequeue pointer */
        if (command(hc, d->ctx_in_pa, TRB_TYPE(TRB_EVAL_CTX) | slot_id << 24, NULL) != CC_SUCCESS)
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
    if (cfg < 0 || control(d, 0x00, 9, (uint16_t)cfg, 0, 0) < 0) {
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

/* ---- the controller ------------------------------------------------------ */

/* Take the controller from the firmware: USB Legacy Support capability. */
static void bios_handoff(struct xhci *hc, uint32_t xecp)
{
    for (int n = 0; xecp && n < 64; n++) {
        uint32_t v = rd(hc->cap, xecp);
        uint8_t id = v & 0xFF;
        if (id == 1) {
            if (v & (1u << 16)) {
                wr(hc->cap, xecp, v | 1u << 24);            /* OS owned */
                if (!wait_reg(hc->cap, xecp, 1u << 16, 0, 1000))
                    printk("usb%d: BIOS kept the controller for 1 s: taking it anyway\n",
                           hc->index);
                wr(hc->cap, xecp, (rd(hc->cap, xecp) & ~(1u << 16)) | 1u << 24);
            }
            /* No SMIs: clear the enables, acknowledge the events. */
            uint32_t ctl = rd(hc->cap, xecp + 4);
            wr(hc->cap, xecp + 4, (ctl & ~0xE011u) | 0xE0000000u);
        } else if (id == 2) {
            /* Supported Protocol: ports [offset, offset + count) speak USB major. */
            uint32_t ports = rd(hc->cap, xecp + 8);
            uint32_t first = ports & 0xFF, count = (ports >> 8) & 0xFF;
            for (uint32_t p = first; p < first + count && p < 256; p++)
                hc->port_major[p] = (uint8_t)(v >> 24);
        }
        uint32_t next = (v >> 8) & 0xFF;
        if (!next)
            break;
        xecp += next * 4;
    }
}

/*
 * Intel chipsets of 2012-2015 (7, 8 and 9 series: Panther Point, Lynx
 * Point, Wildcat Point) have an EHCI and an xHCI controller sharing the
 * ports, and the firmware may leave them all with EHCI, where agora would
 * never see the keyboard. Two PCI registers switch them: USB2 ports to
 * xHCI (XUSB2PR at 0xD0) and SuperSpeed on (USB3_PSSEN at 0xD8), each
 * limited to the ports its mask register (0xD4, 0xDC) says may switch.
 */
static void intel_route_ports(const struct pci_func *f)
{
    static const uint16_t ids[] = { 0x1E31, 0x8C31, 0x9C31, 0x8CB1, 0x9CB1, 0x8D31 };
    if (f->vendor != 0x8086)
        return;
    for (uint32_t i = 0; i < ARRAY_SIZE(ids); i++) {
        if (f->device == ids[i]) {
            pci_write32(f, 0xD8, pci_read32(f, 0xDC));
            pci_write32(f, 0xD0, pci_read32(f, 0xD4));
            printk("pci: %04x:%04x: the shared USB ports switched to xHCI\n", f->vendor, f->device);
            return;
        }
    }
}

static bool setup(struct xhci *hc)
{
    /* Halt, then reset. */
    wr(hc->op, OP_USBCMD, rd(hc->op, OP_USBCMD) & ~CMD_RUN);
    if (!wait_reg(hc->op, OP_USBSTS, STS_HCH, STS_HCH, 100))
        printk("usb%d: does not halt\n", hc->index);
    wr(hc->op, OP_USBCMD, CMD_HCRST);
    if (!wait_reg(hc->op, OP_USBCMD, CMD_HCRST, 0, 1000) ||
        !wait_reg(hc->op, OP_USBSTS, STS_CNR, 0, 1000)) {
        printk("usb%d: reset did not finish: controller skipped\n", hc->index);
        return false;
    }
    arch_delay_ms(1);                   /* some Intel controllers need a moment */
    if (!(rd(hc->op, OP_PAGESIZE) & 1)) {
        printk("usb%d: no 4 KiB pages: controller skipped\n", hc->index);
        return false;
    }
    uint32_t hcs1 = rd(hc->cap, CAP_HCSPARAMS1), hcs2 = rd(hc->cap, CAP_HCSPARAMS2);
    hc->max_slots = hcs1 & 0xFF;
    hc->max_ports = hcs1 >> 24;
    wr(hc->op, OP_CONFIG, hc->max_slots);

    /* DCBAA, with the scratchpad array in entry 0 if the controller wants one. */
    hc->dcbaa = dma_frame(&hc->dcbaa_pa);
    if (!hc->dcbaa)
        return false;
    uint32_t nscratch = ((hcs2 >> 21) & 0x1F) << 5 | hcs2 >> 27;
    if (nscratch) {
        paddr_t arr_pa;
        uint64_t *arr = dma_frame(&arr_pa);
        if (!arr || nscratch > PAGE_SIZE / 8)
            return false;
        for (uint32_t i = 0; i < nscratch; i++) {
            paddr_t pa;
            if (!dma_frame(&pa))
                return false;
            arr[i] = pa;
        }
        hc->dcbaa[0] = arr_pa;
    }
    wr64(hc->op, OP_DCBAAP, hc->dcbaa_pa);

    /* Command ring, with its cycle state (RCS) 1. */
    if (!ring_init(&hc->cmd))
        return false;
    wr64(hc->op, OP_CRCR, hc->cmd.pa | 1);

    /* Event ring: one segment, a one-entry segment table. ERSTBA last: writing it
     * makes the controller read the table. */
    paddr_t erst_pa;
    uint32_t *erst = dma_frame(&erst_pa);
    hc->ev = dma_frame(&hc->ev_pa);
    if (!erst || !hc->ev)
        return false;
    erst[0] = hc->ev_pa;
    erst[1] = 0;
    erst[2] = RING_TRBS;
    hc->ev_idx = 0;
    hc->ev_cycle = 1;
    wr(hc->rt, RT_ERSTSZ, 1);
    wr64(hc->rt, RT_ERDP, hc->ev_pa);
    wr64(hc->rt, RT_ERSTBA, erst_pa);
    wr(hc->rt, RT_IMAN, 1);             /* clear a pending interrupt; IE stays off */

    wr(hc->op, OP_USBCMD, CMD_RUN);
    if (!wait_reg(hc->op, OP_USBSTS, STS_HCH, 0, 100)) {
        printk("usb%d: does not run: controller skipped\n", hc->index);
        return false;
    }
    hc->running = true;
    return true;
}

/* Reset root port p (1-based) and enumerate what is on it. */
static void root_port(struct xhci *hc, int p)
{
    uint32_t sc = rd(hc->op, OP_PORTSC(p));
    if (!(sc & PORT_CCS))
        return;
    bool usb3 = hc->port_major[p] >= 3;
    if (!usb3 || !(sc & PORT_PED)) {
        wr(hc->op, OP_PORTSC(p), PORT_NEUTRAL(sc) | PORT_PR);
        if (!wait_reg(hc->op, OP_PORTSC(p), PORT_PRC, PORT_PRC, 500)) {
            printk("usb%d: port %d: reset timed out\n", hc->index, p);
            return;
        }
        sc = rd(hc->op, OP_PORTSC(p));
    }
    wr(hc->op, OP_PORTSC(p), PORT_NEUTRAL(sc) | (sc & PORT_RW1C));  /* clear changes */
    if (!(sc & PORT_PED)) {
        printk("usb%d: port %d: not enabled after reset (%08x), skipped\n", hc->index, p, sc);
        return;
    }
    arch_delay_ms(10);                  /* reset recovery */
    enumerate(hc, p, 0, (int)PORT_SPEED(sc), NULL, 0, 1);
}

static void xhci_start(struct pci_func *f)
{
    struct xhci *hc = &hcs[nhcs];
    memset(hc, 0, sizeof(*hc));
    hc->pci = f;
    hc->index = nhcs + 1;               /* usb1, as Linux numbers buses */
    uint32_t size;
    paddr_t pa = pci_bar_mem(f, 0, &size);
    if (!pa || size < 0x1000) {
        printk("usb%d: xHCI %02x:%02x.%x: BAR0 unusable (above 4 GiB or empty)\n", hc->index,
               f->bus, f->dev, f->fn);
        return;
    }
    pci_enable(f, PCI_CMD_MEMORY | PCI_CMD_MASTER | PCI_CMD_INTX_OFF);
    hc->cap = vm_map_phys(pa, MIN(size, 0x10000u), true);
    if (!hc->cap) {
        printk("usb%d: no room to map the registers\n", hc->index);
        return;
    }
    nhcs++;
    uint32_t caplen = rd(hc->cap, CAP_CAPLENGTH) & 0xFF;
    uint32_t hcc1 = rd(hc->cap, CAP_HCCPARAMS1);
    hc->op = hc->cap + caplen;
    hc->rt = hc->cap + (rd(hc->cap, CAP_RTSOFF) & ~0x1Fu);
    hc->db = hc->cap + (rd(hc->cap, CAP_DBOFF) & ~0x3u);
    hc->ctx_size = (hcc1 & (1u << 2)) ? 64 : 32;
    if (caplen == 0xFF || caplen == 0) {
        printk("usb%d: registers read %02x: controller skipped\n", hc->index, caplen);
        return;
    }
    bios_handoff(hc, (hcc1 >> 16) * 4);
    intel_route_ports(f);
    if (!setup(hc))
        return;
    printk("usb%d: xHCI %04x:%04x at %02x:%02x.%x, %u ports, %u slots, %u-byte contexts\n",
           hc->index, f->vendor, f->device, f->bus, f->dev, f->fn, hc->max_ports,
           hc->max_slots, hc->ctx_size);
    if (rd(hc->cap, CAP_HCCPARAMS1) & (1u << 3)) {      /* port power control */
        for (uint32_t p = 1; p <= hc->max_ports; p++) {
            uint32_t sc = rd(hc->op, OP_PORTSC(p));
            if (!(sc & PORT_PP))
                wr(hc->op, OP_PORTSC(p), PORT_NEUTRAL(sc) | PORT_PP);
        }
        arch_delay_ms(20);
    }
    arch_delay_ms(100);                 /* let connections show (USB 3 link training) */
    for (uint32_t p = 1; p <= hc->max_ports && p < 256; p++)
        root_port(hc, (int)p);
}

void usb_init(void)
{
    int from = 0;
    struct pci_func *f;
    while ((f = pci_find_class(&from, 0x0C, 0x03, 0x30)) && nhcs < MAX_HCS)
        xhci_start(f);
    int nkbd = 0;
    for (int i = 0; i < ndevs; i++)
        nkbd += devs[i].is_kbd;
    if (nhcs)
        printk("usb: %d controller%s, %d device%s, %d keyboard%s\n", nhcs, nhcs == 1 ? "" : "s",
               ndevs, ndevs == 1 ? "" : "s", nkbd, nkbd == 1 ? "" : "s");
    usb_ready = true;
}

void usb_tick(void)
{
    if (!usb_ready)
        return;
    for (int i = 0; i < nhcs; i++)
        if (hcs[i].running)
            poll_events(&hcs[i]);
    for (int i = 0; i < ndevs; i++)
        if (devs[i].is_kbd)
            usb_kbd_tick(&devs[i].kbd);
}

void usb_show(void (*put)(void *ctx, const char *s), void *ctx)
{
    char line[128], path[24];
    for (int i = 0; i < ndevs; i++) {
        const struct usb_dev *d = &devs[i];
        port_path(d, path, sizeof(path));
        snprintf(line, sizeof(line), "%d %s %d %04x:%04x %02x %02x %02x %s %s\n", d->hc->index,
                 path, d->slot, d->vendor, d->product, d->class, d->subclass, d->protocol,
                 speed_names[d->speed < 6 ? d->speed : 0], d->name[0] ? d->name : "-");
        put(ctx, line);
    }
}
