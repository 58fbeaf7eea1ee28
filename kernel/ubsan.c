/*
 * ubsan.c: the runtime of gcc's undefined-behaviour sanitizer for the
 * kernel (make UBSAN=1 builds every other kernel file with
 * -fsanitize=undefined). The compiler emits a call to one of the
 * __ubsan_handle_* functions below where an operation would be undefined;
 * each one panics with the kind of UB, the values involved and the source
 * location, so the first report stops the test run where it happened.
 *
 * The data records describe the failing site: every one starts with the
 * source location, and types are described by a struct ubsan_type (kind,
 * signedness and width, name). This file itself is built without the
 * sanitizer, so a report cannot recurse into itself. In a normal build
 * nothing calls these functions.
 */
#include <kernel/console.h>
#include <kernel/types.h>

struct ubsan_loc {
    const char *file;
    uint32_t line;
    uint32_t column;
};

#define UBSAN_KIND_INT 0
struct ubsan_type {
    uint16_t kind;                      /* UBSAN_KIND_INT, 1 float, else unknown */
    uint16_t info;                      /* int: bit 0 signed, bits 1.. log2(width) */
    char name[];
};

struct ubsan_type_mismatch { struct ubsan_loc loc; struct ubsan_type *type;
                             uint8_t log_align; uint8_t check_kind; };
struct ubsan_overflow { struct ubsan_loc loc; struct ubsan_type *type; };
struct ubsan_shift { struct ubsan_loc loc; struct ubsan_type *lhs_type, *rhs_type; };
struct ubsan_bounds { struct ubsan_loc loc; struct ubsan_type *array_type, *index_type; };
struct ubsan_only_loc { struct ubsan_loc loc; };
struct ubsan_value { struct ubsan_loc loc; struct ubsan_type *type; };
struct ubsan_nonnull_arg { struct ubsan_loc loc, attr_loc; int arg_index; };
struct ubsan_nonnull_ret { struct ubsan_loc attr_loc; };
struct ubsan_builtin { struct ubsan_loc loc; uint8_t kind; };

/* A value as the compiler passes it: in the pointer-sized word itself when
 * it fits, else a pointer to it (64-bit integers on i386). */
typedef uintptr_t ubsan_val;

void __ubsan_handle_type_mismatch_v1(struct ubsan_type_mismatch *d, ubsan_val ptr);
void __ubsan_handle_add_overflow(struct ubsan_overflow *d, ubsan_val a, ubsan_val b);
void __ubsan_handle_sub_overflow(struct ubsan_overflow *d, ubsan_val a, ubsan_val b);
void __ubsan_handle_mul_overflow(struct ubsan_overflow *d, ubsan_val a, ubsan_val b);
void __ubsan_handle_negate_overflow(struct ubsan_overflow *d, ubsan_val a);
void __ubsan_handle_divrem_overflow(struct ubsan_overflow *d, ubsan_val a, ubsan_val b);
void __ubsan_handle_shift_out_of_bounds(struct ubsan_shift *d, ubsan_val a, ubsan_val b);
void __ubsan_handle_out_of_bounds(struct ubsan_bounds *d, ubsan_val index);
void __ubsan_handle_pointer_overflow(struct ubsan_only_loc *d, ubsan_val base, ubsan_val result);
void __ubsan_handle_load_invalid_value(struct ubsan_value *d, ubsan_val v);
void __ubsan_handle_vla_bound_not_positive(struct ubsan_value *d, ubsan_val bound);
void __ubsan_handle_builtin_unreachable(struct ubsan_only_loc *d);
void __ubsan_handle_missing_return(struct ubsan_only_loc *d);
void __ubsan_handle_nonnull_arg(struct ubsan_nonnull_arg *d);
void __ubsan_handle_nonnull_return_v1(struct ubsan_nonnull_ret *d, struct ubsan_loc *loc);
void __ubsan_handle_invalid_builtin(struct ubsan_builtin *d);

static unsigned type_width(const struct ubsan_type *t)
{
    return 1u << (t->info >> 1);
}

static bool type_signed(const struct ubsan_type *t)
{
    return t->kind == UBSAN_KIND_INT && (t->info & 1);
}

static uint64_t raw_value(const struct ubsan_type *t, ubsan_val v)
{
    unsigned w = type_width(t);
    uint64_t u = w > 32 ? *(const uint64_t *)v : v;
    return w < 64 ? u & ((1ull << w) - 1) : u;
}

static bool negative(const struct ubsan_type *t, ubsan_val v)
{
    return type_signed(t) && (raw_value(t, v) >> (type_width(t) - 1)) & 1;
}

/* Print an integer value of type t; values of other kinds by type name. */
static void print_value(const struct ubsan_type *t, ubsan_val v)
{
    if (t->kind != UBSAN_KIND_INT) {
        printk("<value of type %s>", t->name);
        return;
    }
    unsigned w = type_width(t);
    uint64_t u = raw_value(t, v);
    if (negative(t, v))
        printk("-%llu", (unsigned long long)((~u + 1) & (w < 64 ? (1ull << w) - 1 : ~0ull)));
    else
        printk("%llu", (unsigned long long)u);
}

static const char *report_kind;

/* A report: "UBSAN: kind: details" on one line, then the panic names the
 * kind again with the source location, and the backtrace follows. */
static void report_start(const char *kind)
{
    report_kind = kind;
    printk("\nUBSAN: %s: ", kind);
}

static void __attribute__((noreturn)) report_end(const struct ubsan_loc *loc)
{
    panic("UBSAN: %s at %s:%u:%u", report_kind, loc && loc->file ? loc->file : "?",
          loc ? loc->line : 0, loc ? loc->column : 0);
}

static const char *const access_kinds[] = {
    "load of", "store to", "reference binding to", "member access within",
    "member call on", "constructor call on", "downcast of", "downcast of",
    "upcast of", "cast to virtual base of", "_Nonnull binding to",
    "dynamic operation on",
};

void __ubsan_handle_type_mismatch_v1(struct ubsan_type_mismatch *d, ubsan_val ptr)
{
    uintptr_t align = (uintptr_t)1 << d->log_align;
    const char *access = d->check_kind < sizeof access_kinds / sizeof *access_kinds
                             ? access_kinds[d->check_kind] : "access to";
    bool misaligned = ptr && d->log_align && (ptr & (align - 1));
    report_start(ptr == 0 ? "null pointer" : misaligned ? "misaligned address"
                                                        : "object too small");
    printk("%s address %08x, type %s", access, (uint32_t)ptr, d->type->name);
    if (misaligned)
        printk(", which needs %u-byte alignment", (uint32_t)align);
    printk("\n");
    report_end(&d->loc);
}

static void arith_overflow(struct ubsan_overflow *d, ubsan_val a, ubsan_val b, char op)
{
    report_start(type_signed(d->type) ? "signed integer overflow"
                                      : "unsigned integer overflow");
    print_value(d->type, a);
    printk(" %c ", op);
    print_value(d->type, b);
    printk(" does not fit in type %s\n", d->type->name);
    report_end(&d->loc);
}

void __ubsan_handle_add_overflow(struct ubsan_overflow *d, ubsan_val a, ubsan_val b)
{
    arith_overflow(d, a, b, '+');
}

void __ubsan_handle_sub_overflow(struct ubsan_overflow *d, ubsan_val a, ubsan_val b)
{
    arith_overflow(d, a, b, '-');
}

void __ubsan_handle_mul_overflow(struct ubsan_overflow *d, ubsan_val a, ubsan_val b)
{
    arith_overflow(d, a, b, '*');
}

void __ubsan_handle_negate_overflow(struct ubsan_overflow *d, ubsan_val a)
{
    report_start("negation overflow");
    printk("-(");
    print_value(d->type, a);
    printk(") does not fit in type %s\n", d->type->name);
    report_end(&d->loc);
}

void __ubsan_handle_divrem_overflow(struct ubsan_overflow *d, ubsan_val a, ubsan_val b)
{
    bool by_zero = d->type->kind == UBSAN_KIND_INT && raw_value(d->type, b) == 0;
    report_start(by_zero ? "division by zero" : "division overflow");
    print_value(d->type, a);
    printk(" / ");
    print_value(d->type, b);
    printk(" in type %s\n", d->type->name);
    report_end(&d->loc);
}

void __ubsan_handle_shift_out_of_bounds(struct ubsan_shift *d, ubsan_val a, ubsan_val b)
{
    if (negative(d->rhs_type, b))
        report_start("shift exponent is negative");
    else if (negative(d->lhs_type, a))
        report_start("left shift of a negative value");
    else if (raw_value(d->rhs_type, b) >= type_width(d->lhs_type))
        report_start("shift exponent too large");
    else
        report_start("left shift overflows");
    print_value(d->lhs_type, a);
    printk(" shifted by ");
    print_value(d->rhs_type, b);
    printk(", type %s is %u bits wide\n", d->lhs_type->name, type_width(d->lhs_type));
    report_end(&d->loc);
}

void __ubsan_handle_out_of_bounds(struct ubsan_bounds *d, ubsan_val index)
{
    report_start("array index out of bounds");
    printk("index ");
    print_value(d->index_type, index);
    printk(" into type %s\n", d->array_type->name);
    report_end(&d->loc);
}

void __ubsan_handle_pointer_overflow(struct ubsan_only_loc *d, ubsan_val base, ubsan_val result)
{
    report_start("pointer overflow");
    printk("%08x became %08x\n", (uint32_t)base, (uint32_t)result);
    report_end(&d->loc);
}

void __ubsan_handle_load_invalid_value(struct ubsan_value *d, ubsan_val v)
{
    report_start("load of an invalid value");
    print_value(d->type, v);
    printk(" for type %s\n", d->type->name);
    report_end(&d->loc);
}

void __ubsan_handle_vla_bound_not_positive(struct ubsan_value *d, ubsan_val bound)
{
    report_start("variable-length array bound not positive");
    print_value(d->type, bound);
    printk("\n");
    report_end(&d->loc);
}

void __ubsan_handle_builtin_unreachable(struct ubsan_only_loc *d)
{
    report_start("__builtin_unreachable() reached");
    printk("\n");
    report_end(&d->loc);
}

void __ubsan_handle_missing_return(struct ubsan_only_loc *d)
{
    report_start("missing return");
    printk("end of a value-returning function reached\n");
    report_end(&d->loc);
}

void __ubsan_handle_nonnull_arg(struct ubsan_nonnull_arg *d)
{
    report_start("null argument");
    printk("argument %d is declared never null (at %s:%u)\n", d->arg_index,
           d->attr_loc.file ? d->attr_loc.file : "?", d->attr_loc.line);
    report_end(&d->loc);
}

void __ubsan_handle_nonnull_return_v1(struct ubsan_nonnull_ret *d, struct ubsan_loc *loc)
{
    report_start("null return");
    printk("the function is declared never to return null (at %s:%u)\n",
           d->attr_loc.file ? d->attr_loc.file : "?", d->attr_loc.line);
    report_end(loc);
}

void __ubsan_handle_invalid_builtin(struct ubsan_builtin *d)
{
    report_start("invalid builtin use");
    printk("%s with argument 0\n", d->kind == 0 ? "__builtin_ctz" : "__builtin_clz");
    report_end(&d->loc);
}
