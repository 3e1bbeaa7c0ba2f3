/* A C host that embeds sluice through its C API: compile, run over the host's bytes with a
 * callback sink, read the counters and the doc, free everything. */
#include <stdio.h>
#include <string.h>

#include <sluice/sluice.h>

static const char kDescriptor[] =
    "[\"std.stream.pipe_v1\","
    " [\"std.stream.cfg_v1\", [\"chunk_max_bytes\", 8], [\"bufread_cap_bytes\", 8],"
    "  [\"max_in_bytes\", 1024], [\"max_out_bytes\", 1024], [\"max_items\", 64]],"
    " [\"std.stream.src.bytes_v1\", [\"std.stream.expr_v1\", [\"bytes.lit\", \"\"]]],"
    " [\"std.stream.chain_v1\","
    "  [\"std.stream.xf.split_lines_v1\", [\"std.stream.expr_v1\", 10], [\"std.stream.expr_v1\", 64]],"
    "  [\"std.stream.xf.frame_u32le_v1\"]],"
    " [\"std.stream.sink.hash_fnv1a32_v1\"]]";

static void on_item(void* user, const uint8_t* data, size_t len) {
  (void)data;
  size_t* bytes = (size_t*)user;
  *bytes += len;
}

int main(void) {
  sluice_pipeline* pipe = NULL;
  char* diags = NULL;
  sluice_status st = sluice_compile(kDescriptor, strlen(kDescriptor), "solve-pure", &pipe, &diags);
  if (st != SLUICE_OK) {
    fprintf(stderr, "compile failed (%d): %s\n", (int)st, diags ? diags : "");
    sluice_string_free(diags);
    return 1;
  }
  sluice_string_free(diags);

  /* 1. the descriptor's own sink (FNV-1a hash of the framed lines), over the host's bytes */
  static const char input[] = "alpha\nbeta\ngamma\n";
  sluice_run_options opts;
  memset(&opts, 0, sizeof opts);
  opts.source_bytes = (const uint8_t*)input;
  opts.source_len = strlen(input);
  opts.has_source = 1;
  sluice_result* res = NULL;
  st = sluice_run(pipe, &opts, &res);
  uint32_t c[4];
  sluice_result_counters(res, c);
  size_t plen = 0;
  const uint8_t* payload = sluice_result_payload(res, &plen);
  printf("status=%d ok=%d bytes_in=%u bytes_out=%u items_in=%u items_out=%u hash=%02x%02x%02x%02x\n", (int)st,
         sluice_result_ok(res), c[0], c[1], c[2], c[3], plen == 4 ? payload[0] : 0, plen == 4 ? payload[1] : 0,
         plen == 4 ? payload[2] : 0, plen == 4 ? payload[3] : 0);
  sluice_result_free(res);

  /* 2. a callback sink instead: the host receives each framed line */
  size_t delivered = 0;
  opts.sink = on_item;
  opts.sink_user = &delivered;
  st = sluice_run(pipe, &opts, &res);
  size_t doc_len = 0;
  sluice_result_doc(res, &doc_len);
  printf("callback: status=%d delivered=%zu bytes doc=%zu bytes\n", (int)st, delivered, doc_len);
  sluice_result_free(res);

  sluice_pipeline_free(pipe);
  printf("sluice %s\n", sluice_version());
  return 0;
}
