/*
 * platform_view: /proc/agora/platform, what the boot probes found (COM1,
 * the 8042, the ACPI tables), as "key: values" lines. What the machine
 * has differs (QEMU with or without serial, a PC from the stick), so the
 * checks are about the text's shape and its consistency, never about one
 * machine: every line is "key: ..." with a known key; serial, ps2 and acpi
 * come first, each once; with ACPI there is a FADT line with PM1a_CNT,
 * the MADT lists at least one enabled CPU with distinct APIC ids, and the
 * 8042 is reported present only where the FADT's flag allows it (agora
 * believes the flag unless "ps2=probe" is on the command line, which test
 * runs never are). Two reads give the same text.
 */
#include <agora_test.h>
#include <fcntl.h>

#define PATH "/proc/agora/platform"

static char text[4096], again[4096];

static long slurp(char *buf, size_t size)
{
    int fd = open(PATH, O_RDONLY);
    if (fd < 0)
        return -1;
    long n = 0, r;
    while ((r = read(fd, buf + n, size - 1 - (size_t)n)) > 0)
        n += r;
    close(fd);
    buf[n] = '\0';
    return r < 0 ? -1 : n;
}

static int known_key(const char *line)
{
    static const char *const keys[] = { "serial: ", "ps2: ", "acpi: ", "fadt: ", "boot_arch: ",
                                        "reset: ", "s5: ", "lapic: ", "cpu: ", "ioapic: ",
                                        "override: " };
    for (unsigned i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (strncmp(line, keys[i], strlen(keys[i])) == 0)
            return 1;
    return 0;
}

int main(void)
{
    t_begin("platform_view");

    long n = slurp(text, sizeof(text));
    T_OK(n > 0, "read " PATH);
    if (n <= 0)
        return t_end();
    T_OK(text[n - 1] == '\n', "the text ends with a newline");

    int lines = 0, unknown = 0, cpus = 0, enabled = 0, dup_apic = 0;
    unsigned apic_ids[64];
    for (char *line = text; *line;) {
        char *nl = strchr(line, '\n');
        if (!nl)
            break;
        *nl = '\0';
        lines++;
        if (!known_key(line)) {
            unknown++;
            printf("# unknown line: %s\n", line);
        }
        if (strncmp(line, "cpu: apic ", 10) == 0) {     /* cpu: apic ID uid UID STATE */
            unsigned id = (unsigned)strtoul(line + 10, NULL, 10);
            for (int i = 0; i < cpus && i < 64; i++)
                dup_apic += apic_ids[i] == id;
            if (cpus < 64)
                apic_ids[cpus] = id;
            cpus++;
            size_t len = strlen(line);
            enabled += len > 8 && strcmp(line + len - 8, " enabled") == 0;
        }
        *nl = '\n';
        line = nl + 1;
    }
    T_EQ(unknown, 0, "every line has a known key");
    T_OK(strncmp(text, "serial: ", 8) == 0, "the first line is serial:");
    T_OK(strstr(text, "\nps2: ") != NULL && strstr(text, "\nacpi: ") != NULL,
         "ps2: and acpi: lines are there");
    T_OK(strstr(text, "serial: COM1 0x3f8\n") == text || strstr(text, "serial: none\n") == text,
         "serial: COM1 0x3f8 or none");
    int ps2 = strstr(text, "\nps2: 8042\n") != NULL;
    T_OK(ps2 || strstr(text, "\nps2: none\n") != NULL, "ps2: 8042 or none");

    if (!strstr(text, "\nacpi: none\n")) {
        T_OK(strstr(text, "\nfadt: revision ") != NULL, "ACPI: a FADT line");
        const char *f = strstr(text, "\nfadt: revision ");
        const char *pm1a = f ? strstr(f, " pm1a_cnt ") : NULL;
        T_OK(pm1a && strtoul(pm1a + 10, NULL, 16) != 0, "ACPI: PM1a_CNT is known");
        T_OK(cpus >= 1 && enabled >= 1, "ACPI: the MADT lists an enabled CPU");
        T_EQ(dup_apic, 0, "ACPI: the CPUs' APIC ids differ");
        if (strstr(text, "\nboot_arch: ") && strstr(text, " 8042 no\n"))
            T_OK(!ps2, "the FADT says no 8042: none probed (test runs never say ps2=probe)");
    }

    T_OK(slurp(again, sizeof(again)) == n && strcmp(text, again) == 0, "a second read gives the same text");
    return t_end();
}
