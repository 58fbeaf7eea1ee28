# agora: one Makefile for the kernel, libc, user programs, the ISO and the tests.
#
#   make            kernel + libc + user programs + build/agora.iso
#   make run        boot in QEMU (SeaBIOS); serial console in this terminal
#   make run-uefi   the same under OVMF
#   make test       host unit tests, then the test ISO under QEMU (BIOS + UEFI)
#                   (MEM=32M: guest memory, default 256M; UBSAN=1: the kernel
#                   built with -fsanitize=undefined, objects in build-ubsan/)
#   make bench      deterministic benchmarks (QEMU -icount shift=0)
#   make fuzz       the system-call fuzzer alone, one boot per seed
#                   (SEEDS="1 2 3" CALLS=250000 FORGE=1, MEM and UBSAN=1
#                   too; tools/fuzz.sh)
#   make gdb        QEMU halted, gdb attached with kernel symbols
#   make usb        the image to write to a USB stick, and the dd line
#
# Every target that needs tools runs tools/install-deps.sh first, which
# installs what is missing (apt-get) and says what it does.

CROSS   ?= i686-linux-gnu-
CC      := $(CROSS)gcc
LD      := $(CROSS)ld
NM      := $(CROSS)nm
OBJCOPY := $(CROSS)objcopy
OBJDUMP := $(CROSS)objdump
AR      := $(CROSS)ar
HOSTCC  ?= gcc
MEM     ?= 256M

# UBSAN=1: the kernel built with gcc's undefined-behaviour sanitizer, whose
# runtime (kernel/ubsan.c) panics with the kind of UB and its source location.
# Its objects live in their own directory: nothing records the flags an
# object was built with, so sharing build/ would mix the two kinds. Every
# check of -fsanitize=undefined stays on (alignment included: the kernel makes
# no deliberate unaligned accesses, and the whole suite runs clean).
# UBSAN_DEMO=1 adds a deliberate signed overflow to the self-tests.
ifeq ($(UBSAN),1)
B := build-ubsan
UBSAN_CFLAGS := -fsanitize=undefined -DAGORA_UBSAN
else
B := build
UBSAN_CFLAGS :=
endif

# Computed lazily: the compiler may not be installed yet when make starts.
GCCINC = $(shell $(CC) -print-file-name=include)
LIBGCC = $(shell $(CC) -print-libgcc-file-name)

WERROR ?=
WARN := -Wall -Wextra -Wstrict-prototypes $(WERROR)
BASEFLAGS = -std=gnu11 -m32 -march=i686 -fno-pie -fno-stack-protector \
	-fno-omit-frame-pointer -O2 -g -nostdinc -MMD -MP $(WARN)

KCFLAGS = $(BASEFLAGS) $(UBSAN_CFLAGS) -ffreestanding -mgeneral-regs-only -Wmissing-prototypes \
	-DAGORA_KERNEL -Ikernel/include -Iarch/x86/include -isystem libc/include \
	-isystem $(GCCINC)
UCFLAGS = $(BASEFLAGS) -isystem libc/include -isystem kernel/include -isystem $(GCCINC)
ASFLAGS_K = -m32 -g -MMD -MP -Ikernel/include -Iarch/x86/include -DAGORA_KERNEL -D__ASSEMBLY__

# ---- kernel ---------------------------------------------------------------

KSRC_C := $(wildcard arch/x86/*.c kernel/*.c kernel/mm/*.c kernel/proc/*.c \
	kernel/ipc/*.c kernel/fs/*.c kernel/dev/*.c)
KSRC_S := $(wildcard boot/*.S arch/x86/*.S)
# libk: the parts of libc that the kernel shares (no system calls, no malloc).
LIBK_SRC := libc/src/string.c libc/src/ctype.c libc/src/format.c libc/src/strtol.c
KOBJ := $(KSRC_S:%.S=$(B)/%.o) $(KSRC_C:%.c=$(B)/%.o) $(LIBK_SRC:libc/%.c=$(B)/libk/%.o)

# Kernel command line additions for the test image.
TEST_ARGS := test selftest
ifeq ($(FAIL_DEMO),1)
TEST_ARGS += fail-demo
endif
ifeq ($(PANIC_DEMO),1)
TEST_ARGS += selftest-panic
endif
ifeq ($(OVERFLOW_DEMO),1)
TEST_ARGS += selftest-overflow
endif
ifeq ($(UBSAN_DEMO),1)
TEST_ARGS += selftest-ubsan
endif
ifeq ($(KFREE_DEMO),1)
TEST_ARGS += selftest-kfree
endif

.PHONY: all deps run run-uefi test test-host test-qemu bench fuzz gdb usb clean

all: deps $(B)/agora.iso

deps:
	@tools/install-deps.sh

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

$(B)/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(ASFLAGS_K) -c $< -o $@

# The sanitizer's runtime is not itself sanitized: a report cannot recurse.
$(B)/kernel/ubsan.o: UBSAN_CFLAGS :=

$(B)/libk/%.o: libc/%.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

# Two-pass link: the symbol table used for backtraces is generated from the
# first link and placed after everything else, so no address moves.
$(B)/kernel.elf: $(KOBJ) linker.ld tools/gen-ksyms.sh
	$(LD) -m elf_i386 -T linker.ld -o $(B)/kernel.pass1.elf $(KOBJ) $(LIBGCC)
	tools/gen-ksyms.sh $(NM) $(B)/kernel.pass1.elf > $(B)/ksyms.S
	$(CC) $(ASFLAGS_K) -c $(B)/ksyms.S -o $(B)/ksyms.o
	$(LD) -m elf_i386 -T linker.ld -o $@ $(KOBJ) $(B)/ksyms.o $(LIBGCC)
	$(NM) -n $@ > $(B)/kernel.sym
	$(OBJDUMP) -d -S $@ > $(B)/kernel.asm

# ---- libc -----------------------------------------------------------------

LIBC_SRC_C := $(wildcard libc/src/*.c)
LIBC_SRC_S := $(filter-out libc/arch/crt0.S,$(wildcard libc/arch/*.S))
LIBC_OBJ := $(LIBC_SRC_C:libc/%.c=$(B)/libc/%.o) $(LIBC_SRC_S:libc/%.S=$(B)/libc/%.o)
LIBC_ASFLAGS = -m32 -g -MMD -MP -isystem libc/include -isystem kernel/include -D__ASSEMBLY__

# libc's own code is built with -fno-builtin: otherwise gcc may compile a
# function into a call to itself (strcpy -> strcpy, malloc+memset -> calloc).
$(B)/libc/%.o: libc/%.c
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -fno-builtin -c $< -o $@

$(B)/libc/%.o: libc/%.S
	@mkdir -p $(dir $@)
	$(CC) $(LIBC_ASFLAGS) -c $< -o $@

$(B)/libc/crt0.o: libc/arch/crt0.S
	@mkdir -p $(dir $@)
	$(CC) $(LIBC_ASFLAGS) -c $< -o $@

$(B)/libc/libc.a: $(LIBC_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

# ---- user programs --------------------------------------------------------

USER_PROGS := $(patsubst user/%.c,%,$(wildcard user/*.c))
TEST_PROGS := $(patsubst user/tests/%.c,%,$(wildcard user/tests/*.c))
# make test ONLY="a b": build only these tests into the image (for quick runs).
ifneq ($(ONLY),)
TEST_PROGS := $(filter $(ONLY),$(TEST_PROGS))
endif
ifeq ($(FAIL_DEMO),1)
TEST_PROGS += fail_demo
endif
USER_BINS := $(USER_PROGS:%=$(B)/root/bin/%) $(TEST_PROGS:%=$(B)/root/tests/%) \
	$(B)/root/bin/bench_exec

$(B)/user/%.o: user/%.c
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -Iuser/include -c $< -o $@

$(B)/user/tests/fail_demo.o: user/extra/fail_demo.c
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -Iuser/include -c $< -o $@

USER_LINK = $(CC) -m32 -nostdlib -static -no-pie -s -Wl,--build-id=none -o $@ \
	$(B)/libc/arch/crt0.o $< $(B)/libc/libc.a $(LIBGCC)

$(B)/root/bin/%: $(B)/user/%.o $(B)/libc/libc.a $(B)/libc/arch/crt0.o
	@mkdir -p $(dir $@)
	$(USER_LINK)

$(B)/root/tests/%: $(B)/user/tests/%.o $(B)/libc/libc.a $(B)/libc/arch/crt0.o
	@mkdir -p $(dir $@)
	$(USER_LINK)

# /bin/bench_exec, the program bench execs (user/extra/bench_exec.c): its
# own _start (rdtsc first), no crt0 and no libc, about 100 KiB in the file.
$(B)/user/extra/bench_exec.o: UCFLAGS += -ffreestanding

$(B)/root/bin/bench_exec: $(B)/user/extra/bench_exec.o
	@mkdir -p $(dir $@)
	$(CC) -m32 -nostdlib -static -no-pie -s -Wl,--build-id=none -o $@ $<

# ---- test fixtures built from source ---------------------------------------

# Executables in layouts the normal link never makes, for exec's loader test
# (user/tests/exec_layout.c): one freestanding object linked by each linker
# script user/fixtures/elf-NAME.ld into /testdata/elf-NAME.
FIXTURE_ELFS := $(patsubst user/fixtures/%.ld,$(B)/root/testdata/%,$(wildcard user/fixtures/elf-*.ld))

$(B)/fixtures/elf_layout.o: user/fixtures/elf_layout.c
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -ffreestanding -c $< -o $@

$(B)/root/testdata/elf-%: $(B)/fixtures/elf_layout.o user/fixtures/elf-%.ld
	@mkdir -p $(dir $@)
	$(CC) -m32 -nostdlib -static -no-pie -s -Wl,--build-id=none -Wl,-T,user/fixtures/elf-$*.ld -o $@ $<

# Copies of /bin/true with modes git cannot record (it keeps only the x
# bit), for exec's permission test (user/tests/exec_perm.c).
MODE_FIXTURES := $(foreach m,0744 0710 0701 0644,$(B)/root/testdata/true-$(m))

$(B)/root/testdata/true-%: $(B)/root/bin/true
	@mkdir -p $(dir $@)
	cp $< $@ && chmod $* $@

# The initrd: a USTAR archive of build/root, loaded by GRUB as a module.
# The test list is recorded so a stale binary of a removed test never runs.
ROOTFS_FILES := $(shell find rootfs -type f 2>/dev/null)

$(B)/initrd.tar: $(USER_BINS) $(FIXTURE_ELFS) $(MODE_FIXTURES) $(ROOTFS_FILES) FORCE
	@mkdir -p $(B)/root/etc
	@cp -r rootfs/. $(B)/root/
	@printf '%s\n' $(TEST_PROGS) > $(B)/root/etc/tests.new
	@cmp -s $(B)/root/etc/tests.new $(B)/root/etc/tests 2>/dev/null || mv $(B)/root/etc/tests.new $(B)/root/etc/tests
	@rm -f $(B)/root/etc/tests.new
	@for t in $(B)/root/tests/*; do n=$$(basename $$t); grep -qx "$$n" $(B)/root/etc/tests || rm -f $$t; done 2>/dev/null; true
	tar --format=ustar --owner=0 --group=0 --sort=name --mtime=@0 -C $(B)/root -cf $@.tmp .
	@cmp -s $@.tmp $@ 2>/dev/null && rm -f $@.tmp || mv $@.tmp $@

FORCE:

# ---- images ---------------------------------------------------------------

GRUB_MKRESCUE = grub-mkrescue --locales= --fonts= --themes= --compress=xz

$(B)/agora.iso: $(B)/kernel.elf $(B)/initrd.tar boot/grub.cfg
	rm -rf $(B)/iso && mkdir -p $(B)/iso/boot/grub
	cp $(B)/kernel.elf $(B)/initrd.tar $(B)/iso/boot/
	cp boot/grub.cfg $(B)/iso/boot/grub/grub.cfg
	$(GRUB_MKRESCUE) -o $@ $(B)/iso 2>/dev/null

# GRUB commands run just before the test kernel boots (make fuzz: text mode,
# since redrawing the framebuffer console for every line is slow in QEMU).
TEST_GRUB ?=

$(B)/test-args: FORCE
	@echo '$(TEST_ARGS) $(TEST_GRUB)' | cmp -s - $@ || echo '$(TEST_ARGS) $(TEST_GRUB)' > $@

$(B)/agora-test.iso: $(B)/kernel.elf $(B)/initrd.tar boot/grub-test.cfg $(B)/test-args
	rm -rf $(B)/iso-test && mkdir -p $(B)/iso-test/boot/grub
	cp $(B)/kernel.elf $(B)/initrd.tar $(B)/iso-test/boot/
	sed -e 's/@TEST_ARGS@/$(TEST_ARGS)/' -e 's/@TEST_GRUB@/$(TEST_GRUB)/' boot/grub-test.cfg \
		> $(B)/iso-test/boot/grub/grub.cfg
	$(GRUB_MKRESCUE) -o $@ $(B)/iso-test 2>/dev/null

# ---- run, test, bench -----------------------------------------------------

run: all
	tools/qemu.sh bios $(B)/agora.iso

run-uefi: all
	tools/qemu.sh uefi $(B)/agora.iso

gdb: all
	tools/qemu.sh gdb $(B)/agora.iso

usb: all
	@echo "Image: $(B)/agora.iso ($$(du -h $(B)/agora.iso | cut -f1))"
	@echo "Write it (this erases the stick; check the device name with lsblk):"
	@echo "  sudo dd if=$(B)/agora.iso of=/dev/sdX bs=4M conv=fsync status=progress"
	@echo "Boot it with Secure Boot off (BIOS/CSM or UEFI)."

test: deps
	$(MAKE) WERROR=-Werror $(B)/agora-test.iso
	B=$(B) MEM=$(MEM) tools/test.sh $(B)/agora-test.iso

test-host:
	@mkdir -p $(B)/host
	tools/host-tests.sh $(HOSTCC) $(B)/host

bench: deps
	$(MAKE) WERROR=-Werror TEST_ARGS=bench $(B)/agora-test.iso
	B=$(B) tools/bench.sh $(B)/agora-test.iso

# One boot per seed of a test image holding only fuzz_syscalls, every call
# printed; a panic, hang or leak shows the seed and the last calls.
SEEDS ?= 1 2 3 4 5 6 7 8
CALLS ?= 250000
FORGE ?= 1
FIRST ?= 0
fuzz: deps
	B=$(B)-fuzz MEM=$(MEM) SEEDS="$(SEEDS)" CALLS="$(CALLS)" FORGE="$(FORGE)" FIRST="$(FIRST)" \
		tools/fuzz.sh

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
# Keep objects that pattern chains would delete as intermediate (crt0.o).
.PRECIOUS: $(B)/%.o $(B)/libc/arch/%.o $(B)/user/%.o $(B)/user/tests/%.o $(B)/user/extra/%.o \
	$(B)/fixtures/%.o
