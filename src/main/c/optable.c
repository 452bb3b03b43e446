/* The op codes of the plan (dev.jns.helper.PlanEncoder writes them) and the functions that run them. */
#include "helper.h"

#include <errno.h>
#include <string.h>

static const struct {
    const char *code;
    int (*run)(struct op *);
} table[] = {
    {"signals", op_signals},      {"umount", op_umount},
    {"ignore-signals", op_ignore_signals},
    {"setgroups-file", op_setgroups_file}, {"idmap-file", op_idmap_file},
    {"idmap-program", op_idmap_program},   {"persist", op_persist},
    {"await", op_await},          {"unshare", op_unshare},
    {"timens", op_timens},        {"propagation", op_propagation},
    {"mount", op_mount},          {"bind", op_bind},
    {"chroot", op_chroot},        {"pivot", op_pivot},
    {"chdir", op_chdir},          {"hostname", op_hostname},
    {"lo-up", op_lo_up},
    {"domainname", op_domainname}, {"groups", op_groups},
    {"gid", op_gid},              {"uid", op_uid},
    {"keepcaps", op_keepcaps},    {"ambient", op_ambient},
    {"nnp", op_nnp},              {"pdeathsig", op_pdeathsig},
    {"exec", op_exec},            {"privatize", op_privatize},
    {"owner", op_owner},
    {"enter", op_enter},          {"pin-dirs", op_pin_dirs},
    {"enter-dirs", op_enter_dirs}, {"groups-before", op_groups_before},
    {"groups-after", op_groups_after},
    {"pin-pidns", op_pin_pidns},    {"join-pidns", op_join_pidns},
    {"binfmt-register", op_binfmt_register},
};

int run_op(struct op *o) {
    detail[0] = '\0';
    for (size_t t = 0; t < sizeof table / sizeof *table; t++) {
        if (strcmp(table[t].code, o->code) == 0) return table[t].run(o);
    }
    set_detail("unknown op %s", o->code);
    errno = EPROTO;
    return -1;
}
