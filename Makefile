# agora: one Makefile for the kernel, libc, user programs, the ISO and the tests.
#
#   make            kernel + libc + user programs + build/agora.iso
#   make run        boot in QEMU (SeaBIOS); serial console in this terminal
#   make run-uefi   the same under OVMF
#   make test       host unit tests, then the test ISO under QEMU (BIOS + UEFI)
#                   (MEM=32M: guest memory, default 256M; UBSAN=1: the kernel
#                   built with -fsanitize=undefined, objects in build-ubsan/)
#   make test-busybox
#                   only the comparison of Debian's busybox on agora with
#                   Linux (qemu-i386), tests/busybox/, every failure counted
#   make test-hw    the machine shapes of real PCs in QEMU (tools/hwtest.py):
#                   USB keyboard on xHCI, no PS/2, no serial, SeaBIOS and
#                   OVMF, old CPUs, -nodefaults, the stick's test-suite
#                   entry; HW="name ..." runs only those scenarios
#   make bench      deterministic benchmarks (QEMU -icount shift=0)
#   make fuzz       the system-call fuzzer alone, one boot per seed
#                   (SEEDS="1 2 3" CALLS=250000 FORGE=1, MEM and UBSAN=1
#                   too; tools/fuzz.sh)
#   make gdb        QEMU halted, gdb attached with kernel symbols
#   make usb        the image to write to a USB stick, and the dd line
#   make compile_commands.json
#                   the compile database for editors (clangd), written
#                   from this file's flags
#
# Quiet by default: one line per step ("  CC      kernel/mm/vm.c"); make V=1
# prints the full commands. Warnings and errors show either way.
# make CFLAGS=-DNDEBUG adds compiler flags for the kernel, libc and the user
# programs; a change of flags (CFLAGS, WERROR, UBSAN) rebuilds what it affects.
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

# say WHAT FILE prints the quiet line of a step; Q hides the command itself.
ifeq ($(V),1)
Q :=
say := true
else
Q := @
say := printf '  %-7s %s\n'
endif
ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
say := true
endif

# UBSAN=1: the kernel built with gcc's undefined-behaviour sanitizer, whose
# runtime (kernel/ubsan.c) panics with the kind of UB and its source location.
# Its objects live in their own directory, so that switching between the two
# builds does not rebuild everything. Every check of -fsanitize=undefined
# stays on (alignment included: the kernel makes no deliberate unaligned
# accesses, and the whole suite runs clean).
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

# CFLAGS only from the command line: one in the environment is meant for the
# host compiler, not for this cross build.
ifneq ($(origin CFLAGS),command line)
CFLAGS :=
endif
WERROR ?=
WARN := -Wall -Wextra -Wstrict-prototypes $(WERROR)
BASEFLAGS = -std=gnu11 -m32 -march=i686 -fno-pie -fno-stack-protector \
	-fno-omit-frame-pointer -O2 -g -nostdinc $(WARN) $(CFLAGS)
DEPFLAGS := -MMD -MP

KCFLAGS = $(BASEFLAGS) $(UBSAN_CFLAGS) -ffreestanding -mgeneral-regs-only -Wmissing-prototypes \
	-DAGORA_KERNEL -Ikernel/include -Iarch/x86/include -isystem libc/include \
	-isystem $(GCCINC)
UCFLAGS = $(BASEFLAGS) -isystem libc/include -isystem kernel/include -isystem $(GCCINC)
ASFLAGS_K = -m32 -g -Ikernel/include -Iarch/x86/include -DAGORA_KERNEL -D__ASSEMBLY__
LIBC_CFLAGS = $(UCFLAGS) -fno-builtin
LIBC_ASFLAGS = -m32 -g -isystem libc/include -isystem kernel/include -D__ASSEMBLY__
USER_CFLAGS = $(UCFLAGS) -Iuser/include
FIXTURE_CFLAGS = $(UCFLAGS) -ffreestanding

# Flag stamps: $(B)/.kflags holds the flags of the kernel's objects,
# $(B)/.uflags those of libc, the user programs and the fixtures. A stamp is
# rewritten only when its flags change and every object depends on its
# stamp, so new flags rebuild what they affect and the same flags nothing.
BOOT_CFLAGS = -std=gnu11 -m32 -march=i386 -O2 -g -nostdinc $(WARN) $(CFLAGS) -ffreestanding \
	-fno-pic -fno-pie -fno-stack-protector -fno-jump-tables -fno-builtin \
	-fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables -mgeneral-regs-only \
	-Wmissing-prototypes -Ikernel/include -Iarch/x86/include -isystem libc/include \
	-isystem $(GCCINC)
KFLAGS_ALL = $(KCFLAGS) : $(ASFLAGS_K) : $(BOOT_CFLAGS)
UFLAGS_ALL = $(LIBC_CFLAGS) : $(LIBC_ASFLAGS) : $(USER_CFLAGS) : $(FIXTURE_CFLAGS)

# ---- kernel ---------------------------------------------------------------

KSRC_C := $(wildcard arch/x86/*.c kernel/*.c kernel/mm/*.c kernel/proc/*.c \
	kernel/ipc/*.c kernel/fs/*.c kernel/dev/*.c)
KSRC_S := $(wildcard boot/*.S arch/x86/*.S)
# libk: the parts of libc that the kernel shares (no system calls, no malloc).
LIBK_SRC := libc/src/string.c libc/src/ctype.c libc/src/format.c libc/src/strtol.c
# boot/*.c: code that runs before paging (the CPU check), built for the i386.
BOOT_SRC_C := $(wildcard boot/*.c)
KOBJ := $(KSRC_S:%.S=$(B)/%.o) $(BOOT_SRC_C:%.c=$(B)/%.o) $(KSRC_C:%.c=$(B)/%.o) \
	$(LIBK_SRC:libc/%.c=$(B)/libk/%.o)

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

.PHONY: all deps run run-uefi test test-busybox test-hw test-host test-qemu bench fuzz gdb usb clean

all: deps $(B)/agora.iso

deps:
	@tools/install-deps.sh

$(B)/.kflags: FORCE
	@mkdir -p $(B)
	@echo '$(KFLAGS_ALL)' | cmp -s - $@ || echo '$(KFLAGS_ALL)' > $@

$(B)/.uflags: FORCE
	@mkdir -p $(B)
	@echo '$(UFLAGS_ALL)' | cmp -s - $@ || echo '$(UFLAGS_ALL)' > $@

$(B)/%.o: %.c $(B)/.kflags
	@mkdir -p $(dir $@)
	@$(say) CC $<
	$(Q)$(CC) $(KCFLAGS) $(DEPFLAGS) -c $< -o $@

$(B)/%.o: %.S $(B)/.kflags
	@mkdir -p $(dir $@)
	@$(say) AS $<
	$(Q)$(CC) $(ASFLAGS_K) $(DEPFLAGS) -c $< -o $@

# Code that runs before paging, on any x86 (boot/cpucheck.c): built for the
# i386, its sections renamed into .boot (.text -> .boot.text, ...) so that it
# is linked at physical addresses, and refused if an i686 instruction (cmov)
# slipped in anyway. It has no writable data (.data and .bss are dropped,
# which objcopy refuses if anything refers to them): .boot stays read-only.
$(B)/boot/%.o: boot/%.c $(B)/.kflags
	@mkdir -p $(dir $@)
	@$(say) CC $<
	$(Q)$(CC) $(BOOT_CFLAGS) $(DEPFLAGS) -c $< -o $@.tmp
	$(Q)$(OBJCOPY) -R .data -R .bss --prefix-alloc-sections=.boot $@.tmp $@ && rm -f $@.tmp
	$(Q)if $(OBJDUMP) -d $@ | grep -qw 'cmov[a-z]*'; then \
		echo "$@: i686 instructions in early boot code" >&2; rm -f $@; exit 1; fi

# The sanitizer's runtime is not itself sanitized: a report cannot recurse.
# (private: not passed on to the stamp, a prerequisite, which holds the flags
# of every other kernel object.)
$(B)/kernel/ubsan.o: private UBSAN_CFLAGS :=

$(B)/libk/%.o: libc/%.c $(B)/.kflags
	@mkdir -p $(dir $@)
	@$(say) CC $<
	$(Q)$(CC) $(KCFLAGS) $(DEPFLAGS) -c $< -o $@

# Two-pass link: the symbol table used for backtraces is generated from the
# first link and placed after everything else, so no address moves.
$(B)/kernel.elf: $(KOBJ) linker.ld tools/gen-ksyms.sh
	@$(say) LD $(B)/kernel.pass1.elf
	$(Q)$(LD) -m elf_i386 -T linker.ld -o $(B)/kernel.pass1.elf $(KOBJ) $(LIBGCC)
	@$(say) KSYMS $(B)/ksyms.S
	$(Q)tools/gen-ksyms.sh $(NM) $(B)/kernel.pass1.elf > $(B)/ksyms.S
	$(Q)$(CC) $(ASFLAGS_K) -c $(B)/ksyms.S -o $(B)/ksyms.o
	@$(say) LD $@
	$(Q)$(LD) -m elf_i386 -T linker.ld -o $@ $(KOBJ) $(B)/ksyms.o $(LIBGCC)
	@$(say) NM $(B)/kernel.sym
	$(Q)$(NM) -n $@ > $(B)/kernel.sym
	@$(say) OBJDUMP $(B)/kernel.asm
	$(Q)$(OBJDUMP) -d -S $@ > $(B)/kernel.asm

# ---- libc -----------------------------------------------------------------

LIBC_SRC_C := $(wildcard libc/src/*.c)
LIBC_SRC_S := $(filter-out libc/arch/crt0.S,$(wildcard libc/arch/*.S))
LIBC_OBJ := $(LIBC_SRC_C:libc/%.c=$(B)/libc/%.o) $(LIBC_SRC_S:libc/%.S=$(B)/libc/%.o)
# Linked into every program, not into libc.a.
CRT0 := $(B)/libc/arch/crt0.o

# libc's own code is built with -fno-builtin: otherwise gcc may compile a
# function into a call to itself (strcpy -> strcpy, malloc+memset -> calloc).
$(B)/libc/%.o: libc/%.c $(B)/.uflags
	@mkdir -p $(dir $@)
	@$(say) CC $<
	$(Q)$(CC) $(LIBC_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(B)/libc/%.o: libc/%.S $(B)/.uflags
	@mkdir -p $(dir $@)
	@$(say) AS $<
	$(Q)$(CC) $(LIBC_ASFLAGS) $(DEPFLAGS) -c $< -o $@

$(B)/libc/libc.a: $(LIBC_OBJ)
	@$(say) AR $@
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

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
# Programs built against Debian's glibc (i686-linux-gnu-gcc -static, package
# libc6-dev-i386-cross), run by init as tests named glibc.NAME: the portable
# programs, whose output tools/test.sh compares with the same binary's under
# qemu-i386 (portable.glibc.NAME), and the shm tests that build against
# glibc's headers. Those include agora_shm_test.h, which takes setgroups and
# setresgid from <unistd.h> as agora's libc declares them; glibc declares
# them in <grp.h> and under _GNU_SOURCE, hence the two flags. shm_dt_ctl
# (IPC_64), shm_get_errors and shm_torture (SHMMNI) use agora's own
# constants, which glibc's headers do not define.
# All of them are linked into one binary, /bin/glibc-tests (tests/glibc/
# multi.c, each main renamed NAME_main): static glibc is 670 KiB a copy, and
# ten copies made the initrd too big for 32 MiB guests and for GRUB under
# OVMF at 64 MiB. /tests/glibc.NAME is a one-page program that execs it
# with its own argv (tests/glibc/wrapper.c).
GLIBC_LIBC := /usr/i686-linux-gnu/lib/libc.a
GLIBC_PORTABLE := posix_program posix_shm_program
GLIBC_SHM := shm_at_errors shm_fields shm_memory shm_stress shmmp_attachers shmmp_fork \
	shmsuite_ltp shmsuite_netbsd
GLIBC_ALL := $(GLIBC_PORTABLE) $(GLIBC_SHM)
ifneq ($(wildcard $(GLIBC_LIBC)),)
GLIBC_TESTS := $(GLIBC_ALL:%=glibc.%)
ifneq ($(ONLY),)
GLIBC_TESTS := $(filter $(ONLY),$(GLIBC_TESTS))
endif
TEST_PROGS += $(GLIBC_TESTS)
endif
GLIBC_CFLAGS = -O2 -g -Wall -Wextra $(WERROR) $(CFLAGS)
GLIBC_BIN := $(if $(GLIBC_TESTS),$(B)/root/bin/glibc-tests)

USER_BINS := $(USER_PROGS:%=$(B)/root/bin/%) \
	$(filter-out $(GLIBC_TESTS:%=$(B)/root/tests/%),$(TEST_PROGS:%=$(B)/root/tests/%)) \
	$(GLIBC_TESTS:%=$(B)/root/tests/%) $(GLIBC_BIN) $(B)/root/bin/bench_exec

$(B)/user/%.o: user/%.c $(B)/.uflags
	@mkdir -p $(dir $@)
	@$(say) CC $<
	$(Q)$(CC) $(USER_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(B)/user/tests/fail_demo.o: user/extra/fail_demo.c $(B)/.uflags
	@mkdir -p $(dir $@)
	@$(say) CC $<
	$(Q)$(CC) $(USER_CFLAGS) $(DEPFLAGS) -c $< -o $@

USER_LINK = $(CC) -m32 -nostdlib -static -no-pie -s -Wl,--build-id=none -o $@ \
	$(CRT0) $< $(B)/libc/libc.a $(LIBGCC)

# Static pattern rules: their objects and crt0.o are named prerequisites, not
# intermediate files that make deletes after the build (which made the next
# make relink every program).
$(USER_PROGS:%=$(B)/root/bin/%): $(B)/root/bin/%: $(B)/user/%.o $(B)/libc/libc.a $(CRT0)
	@mkdir -p $(dir $@)
	@$(say) LD $@
	$(Q)$(USER_LINK)

$(GLIBC_PORTABLE:%=$(B)/glibc/%.o): $(B)/glibc/%.o: user/tests/%.c $(B)/.uflags
	@mkdir -p $(dir $@)
	@$(say) GLIBC $<
	$(Q)$(CC) $(GLIBC_CFLAGS) $(DEPFLAGS) -Dmain=$*_main -c $< -o $@

$(GLIBC_SHM:%=$(B)/glibc/%.o): $(B)/glibc/%.o: user/tests/%.c $(B)/.uflags
	@mkdir -p $(dir $@)
	@$(say) GLIBC $<
	$(Q)$(CC) $(GLIBC_CFLAGS) $(DEPFLAGS) -D_GNU_SOURCE -include grp.h -Iuser/include \
		-idirafter kernel/include -Dmain=$*_main -c $< -o $@

$(B)/glibc/multi.o: tests/glibc/multi.c $(B)/.uflags Makefile
	@mkdir -p $(dir $@)
	@$(say) GLIBC $<
	$(Q)$(CC) $(GLIBC_CFLAGS) $(DEPFLAGS) '-DGLIBC_TABLE=$(foreach p,$(GLIBC_ALL),X($(p)))' \
		-c $< -o $@

$(B)/root/bin/glibc-tests: $(B)/glibc/multi.o $(GLIBC_ALL:%=$(B)/glibc/%.o)
	@mkdir -p $(dir $@)
	@$(say) LD $@
	$(Q)$(CC) -static -s -o $@ $^

$(B)/glibc/wrapper: tests/glibc/wrapper.c $(B)/.uflags
	@mkdir -p $(dir $@)
	@$(say) CC $<
	$(Q)$(CC) $(FIXTURE_CFLAGS) -nostdlib -static -no-pie -s -Wl,--build-id=none -o $@ $<

$(GLIBC_TESTS:%=$(B)/root/tests/%): $(B)/glibc/wrapper
	@mkdir -p $(dir $@)
	@$(say) CP $@
	$(Q)cp $< $@

$(filter-out $(GLIBC_TESTS:%=$(B)/root/tests/%),$(TEST_PROGS:%=$(B)/root/tests/%)): $(B)/root/tests/%: $(B)/user/tests/%.o $(B)/libc/libc.a $(CRT0)
	@mkdir -p $(dir $@)
	@$(say) LD $@
	$(Q)$(USER_LINK)

# /bin/bench_exec, the program bench execs (user/extra/bench_exec.c): its
# own _start (rdtsc first), no crt0 and no libc, about 100 KiB in the file.
$(B)/user/extra/bench_exec.o: UCFLAGS += -ffreestanding

$(B)/root/bin/bench_exec: $(B)/user/extra/bench_exec.o
	@mkdir -p $(dir $@)
	@$(say) LD $@
	$(Q)$(CC) -m32 -nostdlib -static -no-pie -s -Wl,--build-id=none -o $@ $<

# ---- test fixtures built from source ---------------------------------------

# Executables in layouts the normal link never makes, for exec's loader test
# (user/tests/exec_layout.c): one freestanding object linked by each linker
# script user/fixtures/elf-NAME.ld into /testdata/elf-NAME.
FIXTURE_ELFS := $(patsubst user/fixtures/%.ld,$(B)/root/testdata/%,$(wildcard user/fixtures/elf-*.ld))

$(B)/fixtures/elf_layout.o: user/fixtures/elf_layout.c $(B)/.uflags
	@mkdir -p $(dir $@)
	@$(say) CC $<
	$(Q)$(CC) $(FIXTURE_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(B)/root/testdata/elf-%: $(B)/fixtures/elf_layout.o user/fixtures/elf-%.ld
	@mkdir -p $(dir $@)
	@$(say) LD $@
	$(Q)$(CC) -m32 -nostdlib -static -no-pie -s -Wl,--build-id=none -Wl,-T,user/fixtures/elf-$*.ld -o $@ $<

# Copies of /bin/true with modes git cannot record (it keeps only the x
# bit), for exec's permission test (user/tests/exec_perm.c).
MODE_FIXTURES := $(foreach m,0744 0710 0701 0644,$(B)/root/testdata/true-$(m))

$(B)/root/testdata/true-%: $(B)/root/bin/true
	@mkdir -p $(dir $@)
	@$(say) CP $@
	$(Q)cp $< $@ && chmod $* $@

# The same program and the mmap tests' file where tools/mkinitrd.py puts
# them off a page boundary (user/tests/mm_unaligned.c).
UNALIGNED_FIXTURES := $(B)/root/testdata/unaligned/true $(B)/root/testdata/unaligned/pages

$(B)/root/testdata/unaligned/true: $(B)/root/bin/true
	@mkdir -p $(dir $@)
	@$(say) CP $@
	$(Q)cp $< $@

$(B)/root/testdata/unaligned/pages: rootfs/testdata/pages
	@mkdir -p $(dir $@)
	@$(say) CP $@
	$(Q)cp $< $@

# Debian's busybox-static:i386, unpacked by tools/install-deps.sh: the image
# ships it as /bin/busybox with its applets linked in /usr/bin
# (tools/busybox-root.sh); without it the image is built without busybox.
# The fixture tree of the busybox comparison goes in /testdata/busybox and
# the case list in /etc/busybox-cases.txt (tests/busybox/, tools/test.sh).
BUSYBOX ?= /var/cache/agora/busybox-static-i386/bin/busybox

# The initrd: a USTAR archive of build/root, loaded by GRUB as a module, in
# which every file's data starts on a page (tools/mkinitrd.py says why).
# The test list is recorded so a stale binary of a removed test never runs.
ROOTFS_FILES := $(shell find rootfs -type f 2>/dev/null) tools/busybox-root.sh \
	tests/busybox/mkfixture.sh tests/busybox/cases.txt README.md tools/readme-session.sh

$(B)/initrd.tar: $(USER_BINS) $(FIXTURE_ELFS) $(MODE_FIXTURES) $(UNALIGNED_FIXTURES) \
		$(ROOTFS_FILES) FORCE
	@mkdir -p $(B)/root/etc
	@cp -r rootfs/. $(B)/root/
	@tools/busybox-root.sh $(BUSYBOX) $(B)/root
	@tests/busybox/mkfixture.sh $(B)/root/testdata/busybox
	@cp tests/busybox/cases.txt $(B)/root/etc/busybox-cases.txt
	@tools/readme-session.sh README.md > $(B)/root/etc/readme-session.txt
	@printf '%s\n' $(TEST_PROGS) > $(B)/root/etc/tests.new
	@cmp -s $(B)/root/etc/tests.new $(B)/root/etc/tests 2>/dev/null || mv $(B)/root/etc/tests.new $(B)/root/etc/tests
	@rm -f $(B)/root/etc/tests.new
	@for t in $(B)/root/tests/*; do n=$$(basename $$t); grep -qx "$$n" $(B)/root/etc/tests || rm -f $$t; done 2>/dev/null; true
	$(Q)python3 tools/mkinitrd.py $(B)/root $@.tmp
	@cmp -s $@.tmp $@ 2>/dev/null && rm -f $@.tmp || { mv $@.tmp $@; $(say) INITRD $@; }

FORCE:

# ---- images ---------------------------------------------------------------

GRUB_MKRESCUE = grub-mkrescue --locales= --fonts= --themes= --compress=xz

$(B)/agora.iso: $(B)/kernel.elf $(B)/initrd.tar boot/grub.cfg
	@$(say) ISO $@
	$(Q)rm -rf $(B)/iso && mkdir -p $(B)/iso/boot/grub
	$(Q)cp $(B)/kernel.elf $(B)/initrd.tar $(B)/iso/boot/
	$(Q)cp boot/grub.cfg $(B)/iso/boot/grub/grub.cfg
	$(Q)$(GRUB_MKRESCUE) -o $@ $(B)/iso 2>/dev/null

# GRUB commands run just before the test kernel boots (make fuzz: text mode,
# since redrawing the framebuffer console for every line is slow in QEMU).
TEST_GRUB ?=

$(B)/test-args: FORCE
	@echo '$(TEST_ARGS) $(TEST_GRUB)' | cmp -s - $@ || echo '$(TEST_ARGS) $(TEST_GRUB)' > $@

$(B)/agora-test.iso: $(B)/kernel.elf $(B)/initrd.tar boot/grub-test.cfg $(B)/test-args
	@$(say) ISO $@
	$(Q)rm -rf $(B)/iso-test && mkdir -p $(B)/iso-test/boot/grub
	$(Q)cp $(B)/kernel.elf $(B)/initrd.tar $(B)/iso-test/boot/
	$(Q)sed -e 's/@TEST_ARGS@/$(TEST_ARGS)/' -e 's/@TEST_GRUB@/$(TEST_GRUB)/' boot/grub-test.cfg \
		> $(B)/iso-test/boot/grub/grub.cfg
	$(Q)$(GRUB_MKRESCUE) -o $@ $(B)/iso-test 2>/dev/null

# ---- run, test, bench -----------------------------------------------------

run: all
	B=$(B) tools/qemu.sh bios $(B)/agora.iso

run-uefi: all
	B=$(B) tools/qemu.sh uefi $(B)/agora.iso

gdb: all
	B=$(B) tools/qemu.sh gdb $(B)/agora.iso

usb: all
	@echo "Image: $(B)/agora.iso ($$(du -h $(B)/agora.iso | cut -f1))"
	@echo "Write it (this erases the stick; check the device name with lsblk):"
	@echo "  sudo dd if=$(B)/agora.iso of=/dev/sdX bs=4M conv=fsync status=progress"
	@echo "Boot it with Secure Boot off (BIOS/CSM or UEFI). GRUB's menu waits 5 seconds:"
	@echo "  agora                       the normal boot (the default): demos, then a shell"
	@echo "  agora: run the test suite   every test program, then a report screen"
	@echo "                              (failed tests and why); r reboots, p powers off"
	@echo "docs/hardware.md: what agora drives on a real PC, firmware settings, what to report."

test: deps
	$(MAKE) WERROR=-Werror $(B)/agora-test.iso
	B=$(B) MEM=$(MEM) BUSYBOX=$(BUSYBOX) tools/test.sh $(B)/agora-test.iso

# The busybox comparison alone (tests/busybox/): a test image whose only
# test is busybox_lines, with time for every case, compared with Linux.
test-busybox: deps
	$(MAKE) WERROR=-Werror ONLY=busybox_lines TEST_ARGS="test test-timeout=1500 BB_BUDGET=1400" \
		$(B)/agora-test.iso
	B=$(B) MEM=$(MEM) QUICK=1 BUSYBOX=$(BUSYBOX) tools/test.sh $(B)/agora-test.iso

# The stick's image as it is, and a copy whose test list has the failing
# demo test (its own build directory), for the test-suite entry's report.
test-hw: deps
	$(MAKE) WERROR=-Werror $(B)/agora.iso
	$(MAKE) WERROR=-Werror FAIL_DEMO=1 B=$(B)-hw $(B)-hw/agora.iso
	tools/hwtest.py --image $(B)/agora.iso --fail-image $(B)-hw/agora.iso --out $(B)-hw/runs $(HW)

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

# ---- compile_commands.json --------------------------------------------------

# One entry per source with the flags its rule above compiles it with (no
# bear needed). libk's sources appear once, with libc's flags.
cdb_entry = $(file >>$@.tmp,  {"directory": "$(CURDIR)", "file": "$1", "command": "$(CC) $2 -c $1"},)

compile_commands.json: FORCE
	@$(say) GEN $@
	$(file >$@.tmp,[)
	$(foreach f,$(KSRC_C),$(call cdb_entry,$f,$(KCFLAGS)))
	$(foreach f,$(KSRC_S),$(call cdb_entry,$f,$(ASFLAGS_K)))
	$(foreach f,$(LIBC_SRC_C),$(call cdb_entry,$f,$(LIBC_CFLAGS)))
	$(foreach f,$(wildcard libc/arch/*.S),$(call cdb_entry,$f,$(LIBC_ASFLAGS)))
	$(foreach f,$(wildcard user/*.c user/tests/*.c user/extra/*.c),$(call cdb_entry,$f,$(USER_CFLAGS)))
	$(foreach f,$(wildcard user/fixtures/*.c),$(call cdb_entry,$f,$(FIXTURE_CFLAGS)))
	$(Q)sed '$$ s/,$$//' $@.tmp > $@ && echo ']' >> $@ && rm -f $@.tmp

-include $(shell find $(B) -name '*.d' 2>/dev/null)
