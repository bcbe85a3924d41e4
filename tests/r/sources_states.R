# Golden values for tests/test_sources_states.py: the Gleditsch-Ward state list read in R from
# the original .rda (the loader reads it with pyreadr; this checks it independently).
#   Rscript tests/r/sources_states.R [out.json]     (from the repository root)
# Writes tests/data/sources_states_r.json (or the path given).
source("tests/r/_common.R")  # data_file(), out_path(), the JSON writer js()
e <- new.env()
load(data_file("peacesciencer", "gw_states.rda"), envir = e)
g <- as.data.frame(e$gw_states)
day <- function(x) format(x, "%Y-%m-%d")
# The known spells: the USA, Germany (255, 260, 265), Serbia and Montenegro (two spells each).
k <- g[g$gwcode %in% c(2, 255, 260, 265, 340, 341), ]
k <- k[order(k$gwcode, k$startdate), ]
out <- list(
  versions = list(R = R.version.string),
  n_rows = nrow(g),                                   # 216
  n_codes = length(unique(g$gwcode)),                 # 202
  start_min = day(min(g$startdate)),                  # 1816-01-01
  end_max = day(max(g$enddate)),                      # 2017-12-31
  n_codes_two_spells = sum(duplicated(g$gwcode)),     # 14
  known = list(gwcode = k$gwcode, stateabb = k$stateabb, statename = k$statename,
               start_date = day(k$startdate), end_date = day(k$enddate))
)
writeLines(js(out), out_path("sources_states"))
