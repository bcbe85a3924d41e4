# Golden values for tests/test_sources_replication.py: aggregates and known rows of the three
# replication datasets, computed in R from the original files (Fortna's ceasefires, dta, read
# with foreign; Doyle & Sambanis, csv; Hultman, Kathman & Shannon 2013, tab).
#   Rscript tests/r/sources_replication.R [out.json]     (from the repository root)
# Writes tests/data/sources_replication_r.json (or the path given): {"fortna", "ds", "hks"}.
suppressPackageStartupMessages(library(foreign))
source("tests/r/_common.R")  # data_file(), out_path(), the JSON writer js()
day <- function(x) format(x, "%Y-%m-%d")
# A table as {"level": [...], "n": [...]}, levels in R's sort order.
tab <- function(x) { t <- table(x); list(level = names(t), n = as.integer(t)) }

f <- read.dta(data_file("fortna2008", "pk_and_pkept.dta"))
a <- f[f$id == 70, ]; a <- a[order(a$t0), ]  # Angola: three segments
fortna <- list(
  n_rows = nrow(f), n_ids = length(unique(f$id)), n_clusters = length(unique(f$cluster)),  # 192 156 96
  n_failed = sum(f$failed), n_pk = sum(f$pk_dum), n_ccodes = length(unique(f$ccode)),     # 84 63 72
  time_at_risk = sum(f[["_t"]] - f[["_t0"]]),                                           # 715252
  segments = tab(table(f$id)),  # spells by number of segments: 1: 134, 2: 14, 3: 5, 4: 2, 7: 1
  pkop = tab(f$pkop),           # 0: 120, 1: 9, 2: 16, 3: 19, 4: 8, 5: 20
  t0_min = day(min(f$t0)), t1_max = day(max(f$t1)),                                      # 1947-08-15 2004-12-31
  id70 = list(t0 = day(a$t0), t1 = day(a$t1), failed = a$failed, pkop = a$pkop,
              st_t0 = a[["_t0"]], st_t = a[["_t"]], st_d = a[["_d"]])
)

d <- read.csv(data_file("doyle_sambanis2000", "peace.csv"))
ds <- list(
  n_rows = nrow(d), n_success = sum(d$pbs2s3), n_yrend_na = sum(is.na(d$yrend)),         # 124 43 8
  untype = tab(d$untype),    # Enforcement+ 4, MultiPKO 7, None 88, Observer 17, TradPKO 8
  untype4 = tab(d$untype4)   # 0: 117, 1: 7
)

h <- read.delim(data_file("hks2013", "HKS_AJPS_2013.tab"))
hks <- list(
  n_rows = nrow(h), year_min = min(h$year), year_max = max(h$year),                      # 3972 1991 2008
  n_conflicts = length(unique(h$conflict_id)),                                           # 36
  osv_sum = sum(h$osvAll), troop_sum = sum(h$troopLag, na.rm = TRUE),                    # 262317 3049.327
  troop_na = sum(is.na(h$troopLag)), troop_max = max(h$troopLag, na.rm = TRUE),          # 70 29.209
  brv_sum = sum(h$brv_AllLag, na.rm = TRUE), pko_sum = sum(h$PKOdum, na.rm = TRUE),      # 78903 588
  incomp = tab(h$incomp),                                                                # 1: 1260, 2: 2712
  lntpop_sum = sum(h$lntpop, na.rm = TRUE)                                               # 35611.9015944
)

writeLines(js(list(versions = versions("foreign")[c("R", "foreign")], fortna = fortna, ds = ds, hks = hks)),
           out_path("sources_replication"))
