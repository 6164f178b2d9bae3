/* Table 1's rows per host (see report/host_topology.h). */
#include "lab/report/host_topology.h"

#include <string.h>

#include "lab/report/latex.h"

static const char *str(json_t *o, const char *k, const char *dflt) {
    const char *s = json_string_value(json_object_get(o, k));
    return s && *s ? s : dflt;
}

int report_host_topology_rows(FILE *f, json_t *manifest) {
    json_t *topo = json_object_get(manifest, "topology");
    json_t *hosts = json_object_get(topo, "hosts");
    if (!json_is_object(hosts) || json_object_size(hosts) == 0)
        return 0;
    int rows = 0;
    fputs("\\midrule\n", f);
    const char *name;
    json_t *h;
    json_object_foreach(hosts, name, h) {
        char roles[160] = "";
        size_t i;
        json_t *r;
        json_array_foreach(json_object_get(h, "roles"), i, r) {
            size_t n = strlen(roles);
            snprintf(roles + n, sizeof roles - n, "%s%s", i ? ", " : "", json_string_value(r));
        }
        char label[256];
        snprintf(label, sizeof label, "Host %s (%s)", name, *roles ? roles : "no role");
        latex_escape(f, label);
        fputs(" & ", f);
        char value[512], cpus[32] = "?", mem_s[32] = "?";
        json_t *ncpu = json_object_get(h, "ncpu"), *mem = json_object_get(h, "mem_bytes");
        if (json_is_integer(ncpu))
            snprintf(cpus, sizeof cpus, "%lld", (long long)json_integer_value(ncpu));
        if (json_is_number(mem))
            snprintf(mem_s, sizeof mem_s, "%.1f", json_number_value(mem) / (1024.0 * 1024 * 1024));
        snprintf(value, sizeof value, "%s; %s CPUs (CPU set %s); %s GiB; kernel %s; engine %s",
                 str(h, "cpu_model", "CPU unknown"), cpus, str(h, "cpuset", "?"), mem_s,
                 str(h, "kernel", "unknown"), str(h, "engine_version", "unknown"));
        latex_escape(f, value);
        json_t *off = json_object_get(h, "clock_offset_s");
        json_t *unc = json_object_get(h, "clock_offset_uncertainty_s");
        if (json_is_number(off)) {
            fprintf(f, "; clock %+.1f~ms", json_number_value(off) * 1e3);
            if (json_is_number(unc))
                fprintf(f, " $\\pm$ %.1f~ms", json_number_value(unc) * 1e3);
        }
        fputs(" \\\\\n", f);
        rows++;
    }
    json_t *rtt = json_object_get(topo, "rtt");
    if (json_is_object(rtt)) {
        char label[160];
        snprintf(label, sizeof label, "RTT %s to %s", str(rtt, "from", "?"), str(rtt, "to", "?"));
        latex_escape(f, label);
        fputs(" & ", f);
        json_t *med = json_object_get(rtt, "median_ms");
        if (json_is_number(med)) {
            latex_num(f, json_number_value(med));
            fprintf(f, "~ms median of %lld TCP connects (min ",
                    (long long)json_integer_value(json_object_get(rtt, "samples")));
            latex_num(f, json_number_value(json_object_get(rtt, "min_ms")));
            fputs("~ms)", f);
        } else
            fputs("not measured", f);
        fputs(" \\\\\n", f);
        rows++;
    }
    return rows;
}
