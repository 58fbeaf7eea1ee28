/*
 * xhci.h: what the xHCI driver (kernel/dev/xhci.c: the controller, its
 * rings, commands and control transfers) and USB enumeration
 * (kernel/dev/usb.c: devices, hubs, keyboards) share. Private to those two
 * files; the rest of the kernel sees kernel/usb.h.
 *
 * struct xhci is one controller, struct usb_dev one device (one xHCI slot).
 * Both live in fixed tables, filled at boot and never freed.
 */
#ifndef DEV_XHCI_H
#define DEV_XHCI_H

#include <kernel/types.h>
#include <kernel/usb.h>
#include <arch/memlayout.h>

#define MAX_DEVS    16
/* Where in a device's buffer frame (usb_dev.buf) things go: descriptors
 * from 0, the keyboard's report and its LED byte above them. */
#define KBD_REPORT_OFF 2048
#define KBD_REPORT_MAX 64
#define KBD_LED_OFF    3072
#define RING_TRBS   (PAGE_SIZE / 16)    /* one frame per ring, the last a Link */

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
    int kbd_iface;                      /* its interface number */
    uint16_t intr_len;                  /* bytes asked for per report */
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

extern struct usb_dev usb_devs[MAX_DEVS];
extern int usb_ndevs;

/* A zeroed frame in the direct map for DMA; NULL when memory is out. */
void *xhci_dma_frame(paddr_t *pa);
/* A ring of one frame, empty, our cycle bit 1; false when memory is out. */
bool xhci_ring_init(struct ring *r);
/* Put one TRB on r (cycle bit last); returns its physical address. */
paddr_t xhci_ring_put(struct ring *r, uint32_t p0, uint32_t p1, uint32_t status, uint32_t ctrl);
/* Tell the controller to look at a ring: slot 0 the command ring, else
 * slot's endpoint with context index target. */
void xhci_doorbell(struct xhci *hc, int slot, uint32_t target);
/* Run a command and wait for it (at most 1 s): its completion code, 0 on
 * timeout; *slot (if not NULL) the slot id of the completion. Boot only. */
uint32_t xhci_command(struct xhci *hc, uint32_t p0, uint32_t ctrl, uint32_t *slot);
/* A control transfer on d's endpoint 0 with len bytes of data in d->buf;
 * waits at most 500 ms. 0, -EIO (the device refused: a stall) or
 * -ETIMEDOUT. Boot only. */
int xhci_control(struct usb_dev *d, uint8_t type, uint8_t req, uint16_t value, uint16_t index,
                 uint16_t len);
/* The same without waiting, from the timer tick (interrupts off): the data
 * is at data_pa. 0, or -EBUSY while the last one is still under way. */
int xhci_control_async(struct usb_dev *d, uint8_t type, uint8_t req, uint16_t value,
                       uint16_t index, uint16_t len, paddr_t data_pa);
/* Context i of d's input context: 0 the control word, 1 the slot, 1 + dci
 * an endpoint. */
uint32_t *xhci_in_ctx(struct usb_dev *d, int i);
/* Fill the input context of endpoint dci: type, max packet size, interval
 * exponent, and the ring r as its dequeue pointer. */
void xhci_set_ep(struct usb_dev *d, int dci, uint32_t type, uint32_t mps, uint32_t interval,
                 const struct ring *r);

/* usb.c: give the device just reset on root port root_port (behind hubs:
 * route, under parent's port parent_port) a slot and an address, read its
 * descriptors, configure it, start it if it is a keyboard or a hub. */
void usb_enumerate(struct xhci *hc, int root_port, uint32_t route, int speed,
                   struct usb_dev *parent, int parent_port, int depth);

/* usb.c: once per tick, interrupts off: key repeat, keyboard LEDs. */
void usb_dev_tick(struct usb_dev *d);

#endif
