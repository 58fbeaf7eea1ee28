/*
 * uapi/errno.h: Linux error numbers (asm-generic values, as on i386).
 * Shared by the kernel (which returns -E*) and libc (<errno.h>).
 * Plain macros only; no types, no libc dependency.
 */
#ifndef AGORA_UAPI_ERRNO_H
#define AGORA_UAPI_ERRNO_H

#define EPERM            1   /* operation not permitted */
#define ENOENT           2   /* no such file or directory */
#define ESRCH            3   /* no such process */
#define EINTR            4   /* interrupted system call */
#define EIO              5   /* I/O error */
#define ENXIO            6   /* no such device or address */
#define E2BIG            7   /* argument list too long */
#define ENOEXEC          8   /* exec format error */
#define EBADF            9   /* bad file descriptor */
#define ECHILD          10   /* no child processes */
#define EAGAIN          11   /* try again */
#define ENOMEM          12   /* out of memory */
#define EACCES          13   /* permission denied */
#define EFAULT          14   /* bad address */
#define ENOTBLK         15   /* block device required */
#define EBUSY           16   /* device or resource busy */
#define EEXIST          17   /* file exists */
#define EXDEV           18   /* cross-device link */
#define ENODEV          19   /* no such device */
#define ENOTDIR         20   /* not a directory */
#define EISDIR          21   /* is a directory */
#define EINVAL          22   /* invalid argument */
#define ENFILE          23   /* file table overflow */
#define EMFILE          24   /* too many open files */
#define ENOTTY          25   /* not a typewriter */
#define ETXTBSY         26   /* text file busy */
#define EFBIG           27   /* file too large */
#define ENOSPC          28   /* no space left on device */
#define ESPIPE          29   /* illegal seek */
#define EROFS           30   /* read-only file system */
#define EMLINK          31   /* too many links */
#define EPIPE           32   /* broken pipe */
#define EDOM            33   /* math argument out of domain */
#define ERANGE          34   /* math result not representable */
#define EDEADLK         35   /* resource deadlock would occur */
#define ENAMETOOLONG    36   /* file name too long */
#define ENOLCK          37   /* no record locks available */
#define ENOSYS          38   /* invalid system call number */
#define ENOTEMPTY       39   /* directory not empty */
#define ELOOP           40   /* too many symbolic links */
/* 41 is unused (EWOULDBLOCK is an alias of EAGAIN) */
#define ENOMSG          42
#define EIDRM           43
#define ECHRNG          44
#define EL2NSYNC        45
#define EL3HLT          46
#define EL3RST          47
#define ELNRNG          48
#define EUNATCH         49
#define ENOCSI          50
#define EL2HLT          51
#define EBADE           52
#define EBADR           53
#define EXFULL          54
#define ENOANO          55
#define EBADRQC         56
#define EBADSLT         57
/* 58 is unused (EDEADLOCK is an alias of EDEADLK) */
#define EBFONT          59
#define ENOSTR          60
#define ENODATA         61
#define ETIME           62
#define ENOSR           63
#define ENONET          64
#define ENOPKG          65
#define EREMOTE         66
#define ENOLINK         67
#define EADV            68
#define ESRMNT          69
#define ECOMM           70
#define EPROTO          71
#define EMULTIHOP       72
#define EDOTDOT         73
#define EBADMSG         74
#define EOVERFLOW       75
#define ENOTUNIQ        76
#define EBADFD          77
#define EREMCHG         78
#define ELIBACC         79
#define ELIBBAD         80
#define ELIBSCN         81
#define ELIBMAX         82
#define ELIBEXEC        83
#define EILSEQ          84
#define ERESTART        85
#define ESTRPIPE        86
#define EUSERS          87
#define ENOTSOCK        88
#define EDESTADDRREQ    89
#define EMSGSIZE        90
#define EPROTOTYPE      91
#define ENOPROTOOPT     92
#define EPROTONOSUPPORT 93
#define ESOCKTNOSUPPORT 94
#define EOPNOTSUPP      95
#define EPFNOSUPPORT    96
#define EAFNOSUPPORT    97
#define EADDRINUSE      98
#define EADDRNOTAVAIL   99
#define ENETDOWN       100
#define ENETUNREACH    101
#define ENETRESET      102
#define ECONNABORTED   103
#define ECONNRESET     104
#define ENOBUFS        105
#define EISCONN        106
#define ENOTCONN       107
#define ESHUTDOWN      108
#define ETOOMANYREFS   109
#define ETIMEDOUT      110
#define ECONNREFUSED   111
#define EHOSTDOWN      112
#define EHOSTUNREACH   113
#define EALREADY       114
#define EINPROGRESS    115
#define ESTALE         116
#define EUCLEAN        117
#define ENOTNAM        118
#define ENAVAIL        119
#define EISNAM         120
#define EREMOTEIO      121
#define EDQUOT         122
#define ENOMEDIUM      123
#define EMEDIUMTYPE    124
#define ECANCELED      125
#define ENOKEY         126
#define EKEYEXPIRED    127
#define EKEYREVOKED    128
#define EKEYREJECTED   129
#define EOWNERDEAD     130
#define ENOTRECOVERABLE 131
#define ERFKILL        132
#define EHWPOISON      133

#define EWOULDBLOCK    EAGAIN
#define EDEADLOCK      EDEADLK
#define ENOTSUP        EOPNOTSUPP

/* Largest errno value; a raw syscall result in [-4095, -1] is an error. */
#define AGORA_ERRNO_MAX 4095

#endif
