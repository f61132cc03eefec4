/* QEMU TCG plugin for `nncompile verify --emulate`: counts the guest instructions executed
 * between two marker functions and adds up their modelled Cortex-M4 cycles.
 *
 * Arguments (-plugin file=lib.so,costs=F,out=F,begin=0xA,end=0xB,refill=N):
 *   costs   one line per instruction: `addr size cost cost_after_previous branch` (hex address;
 *           cost_after_previous applies when the instruction before it in the same translation
 *           block ran just before it, e.g. a load pipelined behind a load; branch is 1 when the
 *           instruction can change the flow). Written by the Swift cycle model.
 *   begin, end  entry addresses of the marker functions. Counting starts with the block the begin
 *           marker returns to and stops at the call of the end marker (the call itself is taken
 *           off, so an empty region measures 0).
 *   refill  cycles added for a taken branch (pipeline refill): a block whose last instruction can
 *           branch is followed by a block that does not start at its fall-through address.
 *   out     file written at exit: `region <instructions> <cycles>` per region, then
 *           `total <instructions> <cycles>` for the whole run.
 *
 * Debian's QEMU ships no qemu-plugin.h, so the few API functions used are declared here
 * (plugin API version 1, as in QEMU 7.2; NNC_PLUGIN_API sets another version). */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef NNC_PLUGIN_API
#define NNC_PLUGIN_API 1
#endif

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, qemu_plugin_vcpu_udata_cb_t cb,
                                          enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);

__attribute__((visibility("default"))) int qemu_plugin_version = NNC_PLUGIN_API;

/* The modelled cost of one instruction, from the costs file (open addressing on the address). */
struct insn_cost {
  uint64_t addr;
  uint32_t cost, cost_after_previous, branch, used;
};
static struct insn_cost *table;
static size_t table_size;

static struct insn_cost *lookup(uint64_t addr) {
  size_t i = (size_t)((addr >> 1) * 2654435761u) & (table_size - 1);
  while (table[i].used && table[i].addr != addr) i = (i + 1) & (table_size - 1);
  return &table[i];
}

static int load_costs(const char *path) {
  FILE *f = fopen(path, "r");
  uint64_t addr;
  unsigned size, cost, after, branch;
  size_t lines = 0;
  char line[128];
  if (!f) return -1;
  while (fgets(line, sizeof line, f)) lines++;
  for (table_size = 1024; table_size < lines * 2; table_size *= 2) {}
  table = calloc(table_size, sizeof *table);
  if (!table) { fclose(f); return -1; }
  rewind(f);
  while (fgets(line, sizeof line, f)) {
    if (sscanf(line, "%" SCNx64 " %u %u %u %u", &addr, &size, &cost, &after, &branch) != 5) continue;
    struct insn_cost *c = lookup(addr);
    c->addr = addr;
    c->cost = cost;
    c->cost_after_previous = after;
    c->branch = branch;
    c->used = 1;
  }
  fclose(f);
  return 0;
}

/* What one translation block costs, summed once at translation time. */
struct block {
  uint64_t start, fall_through, cycles;
  uint32_t insns, last_cost, ends_in_branch;
};

static uint64_t begin_addr = UINT64_MAX, end_addr = UINT64_MAX, refill = 2;
static const char *out_path;
static const struct block *previous;
static int counting, starting;
static uint64_t region_insns, region_cycles, total_insns, total_cycles;
static struct { uint64_t insns, cycles; } *regions;
static size_t region_count, region_capacity;

static void on_block(unsigned int vcpu, void *udata) {
  const struct block *b = udata;
  int taken = previous && previous->ends_in_branch && b->start != previous->fall_through;
  (void)vcpu;
  total_insns += b->insns;
  total_cycles += b->cycles + (taken ? refill : 0);
  if (starting) {
    /* The return from the begin marker is not counted, nor its refill. */
    starting = 0;
    counting = 1;
    region_insns = region_cycles = 0;
    taken = 0;
  }
  if (counting) {
    if (b->start == end_addr) {
      /* Take off the call of the end marker: the last instruction of the previous block. */
      region_insns -= 1;
      region_cycles -= previous->last_cost;
      if (region_count == region_capacity) {
        region_capacity = region_capacity ? region_capacity * 2 : 64;
        regions = realloc(regions, region_capacity * sizeof *regions);
        if (!regions) abort();
      }
      regions[region_count].insns = region_insns;
      regions[region_count].cycles = region_cycles;
      region_count++;
      counting = 0;
    } else {
      region_insns += b->insns;
      region_cycles += b->cycles + (taken ? refill : 0);
    }
  }
  if (b->start == begin_addr) starting = 1;
  previous = b;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  struct block *b = calloc(1, sizeof *b);
  size_t n = qemu_plugin_tb_n_insns(tb), i;
  (void)id;
  if (!b) abort();
  b->start = qemu_plugin_tb_vaddr(tb);
  b->insns = (uint32_t)n;
  for (i = 0; i < n; i++) {
    struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
    uint64_t addr = qemu_plugin_insn_vaddr(insn);
    const struct insn_cost *c = lookup(addr);
    uint32_t cost = c->used ? (i == 0 ? c->cost : c->cost_after_previous) : 1;
    b->cycles += cost;
    b->last_cost = cost;
    b->ends_in_branch = c->used ? c->branch : 0;
    b->fall_through = addr + qemu_plugin_insn_size(insn);
  }
  qemu_plugin_register_vcpu_tb_exec_cb(tb, on_block, QEMU_PLUGIN_CB_NO_REGS, b);
}

static void write_counts(qemu_plugin_id_t id, void *udata) {
  FILE *f = fopen(out_path, "w");
  size_t i;
  (void)id;
  (void)udata;
  if (!f) return;
  for (i = 0; i < region_count; i++) fprintf(f, "region %" PRIu64 " %" PRIu64 "\n", regions[i].insns, regions[i].cycles);
  fprintf(f, "total %" PRIu64 " %" PRIu64 "\n", total_insns, total_cycles);
  fclose(f);
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id, const void *info, int argc, char **argv) {
  const char *costs = NULL;
  int i;
  (void)info;
  for (i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (strncmp(a, "costs=", 6) == 0) costs = a + 6;
    else if (strncmp(a, "out=", 4) == 0) out_path = a + 4;
    else if (strncmp(a, "begin=", 6) == 0) begin_addr = strtoull(a + 6, NULL, 0);
    else if (strncmp(a, "end=", 4) == 0) end_addr = strtoull(a + 4, NULL, 0);
    else if (strncmp(a, "refill=", 7) == 0) refill = strtoull(a + 7, NULL, 0);
    else {
      fprintf(stderr, "nncompile insn-count plugin: unknown argument '%s'\n", a);
      return -1;
    }
  }
  if (!costs || !out_path || load_costs(costs) != 0) {
    fprintf(stderr, "nncompile insn-count plugin: needs costs=<readable file> and out=<file>\n");
    return -1;
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
  qemu_plugin_register_atexit_cb(id, write_counts, NULL);
  return 0;
}
