/*
 * lsusb: list the USB devices the kernel enumerated at boot, one per line:
 *
 *   Bus 001 Port 1.2 Slot 3: ID 0627:0001 Human Interface Device (full speed) QEMU USB Keyboard
 *
 * (bus: the controller's number, from 1; port: the root-hub port, then the hub
 * ports below it). The kernel's table is /proc/agora/usb, one device per
 * line: controller, port path, slot, vendor:product, class, subclass,
 * protocol (hex), speed, product string ("-" if none).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Split line at blanks into at most max words, the last taking the rest
 * of the line (the product string may hold blanks); returns how many. */
static int split(char *line, char **w, int max)
{
    int n = 0;
    line[strcspn(line, "\n")] = '\0';
    for (char *p = line; *p && n < max;) {
        while (*p == ' ')
            *p++ = '\0';
        if (!*p)
            break;
        w[n++] = p;
        if (n == max)
            break;
        while (*p && *p != ' ')
            p++;
    }
    return n;
}

static const char *class_name(unsigned cls)
{
    switch (cls) {
    case 0x00: return "(Defined at Interface level)";
    case 0x01: return "Audio";
    case 0x02: return "Communications";
    case 0x03: return "Human Interface Device";
    case 0x07: return "Printer";
    case 0x08: return "Mass Storage";
    case 0x09: return "Hub";
    case 0x0A: return "CDC Data";
    case 0x0B: return "Chip/SmartCard";
    case 0x0E: return "Video";
    case 0xE0: return "Wireless";
    case 0xEF: return "Miscellaneous Device";
    case 0xFF: return "Vendor Specific Class";
    default: return "Unknown class";
    }
}

int main(void)
{
    FILE *f = fopen("/proc/agora/usb", "r");
    if (!f) {
        perror("lsusb: /proc/agora/usb");
        return 1;
    }
    char line[160];
    while (fgets(line, sizeof(line), f)) {
        char *w[9];
        if (split(line, w, 9) != 9 || strlen(w[3]) != 9)
            continue;
        unsigned bus = (unsigned)strtoul(w[0], NULL, 10);
        char *port = w[1];
        unsigned slot = (unsigned)strtoul(w[2], NULL, 10);
        unsigned vendor = (unsigned)strtoul(w[3], NULL, 16);
        unsigned product = (unsigned)strtoul(w[3] + 5, NULL, 16);
        unsigned cls = (unsigned)strtoul(w[4], NULL, 16);
        char *speed = w[7], *name = w[8];
        printf("Bus %03u Port %s Slot %u: ID %04x:%04x %s (%s speed)%s%s\n", bus, port, slot,
               vendor, product, class_name(cls), speed, strcmp(name, "-") ? " " : "",
               strcmp(name, "-") ? name : "");
    }
    fclose(f);
    return 0;
}
