/*
 * xhci.c: the xHCI (USB 3) host controller, as far as a boot keyboard needs.
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
 * whose ring one report-sized transfer stays queued. That part, device by
 * device and through hubs, is kernel/dev/usb.c; this file is the
 * controller: registers, rings, commands, control transfers, polling.
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
#include <arch/arch.h>
#include <arch/memlayout.h>
#include <uapi/errno.h>
#include <string.h>
#include "xhci.h"

#define MAX_HCS     4

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

static struct xhci hcs[MAX_HCS];
static int nhcs;
static volatile bool usb_ready;         /* boot enumeration over: the tick may poll */

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
void *xhci_dma_frame(paddr_t *pa)
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

/* An empty ring in a fresh frame, our cycle bit 1; false when memory is out. */
bool xhci_ring_init(struct ring *r)
{
    r->trbs = xhci_dma_frame(&r->pa);
    r->idx = 0;
    r->cycle = 1;
    return r->trbs != NULL;
}

/* Put one TRB on r (the cycle bit last, so the controller never sees half
 * of it); returns its physical address. At the end the Link TRB hands the
 * controller back to the start and our cycle bit flips. */
paddr_t xhci_ring_put(struct ring *r, uint32_t p0, uint32_t p1, uint32_t status, uint32_t ctrl)
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
        xhci_ring_put(r, 0, 0, 0, TRB_TYPE(TRB_NOOP));
}

/* Ring doorbell slot (0: the command ring) for endpoint context target. */
void xhci_doorbell(struct xhci *hc, int slot, uint32_t target)
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
        /* Boot reports are 8 bytes; a longer one (some keyboards send
         * more than they must) is cut to its first 8. */
        if (usb_ready)
            usb_kbd_report(&d->kbd, d->buf + KBD_REPORT_OFF);
        xhci_ring_put(&d->intr, d->buf_pa + KBD_REPORT_OFF, 0, d->intr_len,
                      TRB_TYPE(TRB_NORMAL) | TRB_IOC);
        xhci_doorbell(hc, d->slot, dci);
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
uint32_t xhci_command(struct xhci *hc, uint32_t p0, uint32_t ctrl, uint32_t *slot)
{
    hc->cmd_done = false;
    xhci_ring_put(&hc->cmd, p0, 0, 0, ctrl);
    xhci_doorbell(hc, 0, 0);
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
 * request, inside the TRB), a data stage of len bytes at data_pa when len
 * is not 0, and a status stage in the other direction that asks for the
 * event (transfer_event then sets ep0_done).
 */
static void queue_control(struct usb_dev *d, uint8_t type, uint8_t req, uint16_t value,
                          uint16_t index, uint16_t len, paddr_t data_pa)
{
    bool in = type & 0x80;
    uint32_t trt = len == 0 ? 0 : in ? 3 : 2;     /* no data, OUT, IN */
    ring_reserve(&d->ep0, 3);
    xhci_ring_put(&d->ep0, type | (uint32_t)req << 8 | (uint32_t)value << 16,
                  index | (uint32_t)len << 16, 8, TRB_TYPE(TRB_SETUP) | TRB_IDT | trt << 16);
    if (len)
        xhci_ring_put(&d->ep0, data_pa, 0, len, TRB_TYPE(TRB_DATA) | (in ? TRB_DIR_IN : 0));
    d->ep0_done = false;
    xhci_ring_put(&d->ep0, 0, 0, 0, TRB_TYPE(TRB_STATUS) | TRB_IOC | ((len && in) ? 0 : TRB_DIR_IN));
    xhci_doorbell(d->hc, d->slot, 1);
}

/* A control transfer with its data in d->buf, waited for (xhci.h). */
int xhci_control(struct usb_dev *d, uint8_t type, uint8_t req, uint16_t value,
                 uint16_t index, uint16_t len)
{
    queue_control(d, type, req, value, index, len, d->buf_pa);
    for (int ms = 0; ms < 500; ms++) {
        poll_events(d->hc);
        if (d->ep0_done)
            return d->ep0_code == CC_SUCCESS || d->ep0_code == CC_SHORT ? 0 : -EIO;
        arch_delay_ms(1);
    }
    return -ETIMEDOUT;
}

/* The same, queued only: the tick's LED updates (xhci.h). */
int xhci_control_async(struct usb_dev *d, uint8_t type, uint8_t req, uint16_t value,
                       uint16_t index, uint16_t len, paddr_t data_pa)
{
    if (!d->ep0_done)
        return -EBUSY;
    queue_control(d, type, req, value, index, len, data_pa);
    return 0;
}

/* ---- contexts ------------------------------------------------------------ */

/* Context i of the input context: 0 the control word, 1 the slot, 1 + dci
 * an endpoint. */
uint32_t *xhci_in_ctx(struct usb_dev *d, int i)
{
    return (uint32_t *)(d->ctx_in + i * d->hc->ctx_size);
}

/* The endpoint context for dci: type, max packet, interval exponent, ring. */
void xhci_set_ep(struct usb_dev *d, int dci, uint32_t type, uint32_t mps, uint32_t interval,
                   const struct ring *r)
{
    uint32_t *ep = xhci_in_ctx(d, 1 + dci);
    memset(ep, 0, d->hc->ctx_size);
    ep[0] = interval << 16;
    ep[1] = 3u << 1 | type << 3 | mps << 16;        /* three retries on errors */
    ep[2] = r->pa | r->cycle;                       /* dequeue pointer, its cycle */
    ep[3] = 0;
    ep[4] = 8 | (type == 7 ? mps << 16 : 0);        /* average TRB length; max payload */
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
    hc->dcbaa = xhci_dma_frame(&hc->dcbaa_pa);
    if (!hc->dcbaa)
        return false;
    uint32_t nscratch = ((hcs2 >> 21) & 0x1F) << 5 | hcs2 >> 27;
    if (nscratch) {
        paddr_t arr_pa;
        uint64_t *arr = xhci_dma_frame(&arr_pa);
        if (!arr || nscratch > PAGE_SIZE / 8)
            return false;
        for (uint32_t i = 0; i < nscratch; i++) {
            paddr_t pa;
            if (!xhci_dma_frame(&pa))
                return false;
            arr[i] = pa;
        }
        hc->dcbaa[0] = arr_pa;
    }
    wr64(hc->op, OP_DCBAAP, hc->dcbaa_pa);

    /* Command ring, with its cycle state (RCS) 1. */
    if (!xhci_ring_init(&hc->cmd))
        return false;
    wr64(hc->op, OP_CRCR, hc->cmd.pa | 1);

    /* Event ring: one segment, a one-entry segment table. ERSTBA last: writing it
     * makes the controller read the table. */
    paddr_t erst_pa;
    uint32_t *erst = xhci_dma_frame(&erst_pa);
    hc->ev = xhci_dma_frame(&hc->ev_pa);
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
    usb_enumerate(hc, p, 0, (int)PORT_SPEED(sc), NULL, 0, 1);
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
    uint32_t mapped = MIN(size, 0x40000u);
    hc->cap = vm_map_phys(pa, mapped, true);
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
    uint32_t dboff = (uint32_t)(hc->db - hc->cap), rtsoff = (uint32_t)(hc->rt - hc->cap);
    if (caplen == 0xFF || caplen == 0 || dboff + 4 * 256 > mapped || rtsoff + 0x40 > mapped) {
        printk("usb%d: registers read %02x (doorbells at %x, runtime at %x of %x): "
               "controller skipped\n", hc->index, caplen, dboff, rtsoff, mapped);
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
    arch_delay_ms(200);                 /* let connections show (USB 3 link training) */
    for (uint32_t p = 1; p <= hc->max_ports && p < 256; p++)
        root_port(hc, (int)p);
}

/* Boot: every xHCI controller on the PCI bus, up to MAX_HCS. */
void usb_init(void)
{
    int from = 0;
    struct pci_func *f;
    while ((f = pci_find_class(&from, 0x0C, 0x03, 0x30)) && nhcs < MAX_HCS)
        xhci_start(f);
    int nkbd = 0;
    for (int i = 0; i < usb_ndevs; i++)
        nkbd += usb_devs[i].is_kbd;
    if (nhcs)
        printk("usb: %d controller%s, %d device%s, %d keyboard%s\n", nhcs, nhcs == 1 ? "" : "s",
               usb_ndevs, usb_ndevs == 1 ? "" : "s", nkbd, nkbd == 1 ? "" : "s");
    /* Older controllers are left to the firmware, whose legacy emulation
     * (BIOS only) may still show their keyboard as a PS/2 one. */
    from = 0;
    int nold = 0;
    while ((f = pci_find_class(&from, 0x0C, 0x03, 0xFF)))
        nold += f->progif != 0x30 && f->progif < 0x30;
    if (nold)
        printk("usb: %d UHCI/OHCI/EHCI controller%s not driven (only xHCI is)\n", nold,
               nold == 1 ? "" : "s");
    usb_ready = true;
}

/* Timer tick, interrupts off: events of running controllers, then key repeat. */
void usb_tick(void)
{
    if (!usb_ready)
        return;
    for (int i = 0; i < nhcs; i++)
        if (hcs[i].running)
            poll_events(&hcs[i]);
    for (int i = 0; i < usb_ndevs; i++)
        usb_dev_tick(&usb_devs[i]);
}
