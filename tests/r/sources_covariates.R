# Golden values for tests/test_sources_covariates.py: the peacesciencer R data files (CREG,
# HIEF, ruggedness) read in R from the original .rda (the loaders read them with pyreadr;
# this checks them independently). Polity5, Gleditsch GDP and Maddison are checked in the
# test against the raw text / workbook instead.
#   Rscript tests/r/sources_covariates.R [out.json]     (from the repository root)
# Writes tests/data/sources_covariates_r.json (or the path given): {"creg", "hief", "rugged"}.
source("tests/r/_common.R")  # data_file(), out_path(), the JSON writer js()
rda <- function(name) {
  e <- new.env()
  load(data_file("peacesciencer", paste0(name, ".rda")), envir = e)
  as.data.frame(e[[name]])
}
cols <- function(df) as.list(df)  # a frame as {column: [values]}

cr <- rda("creg")
k <- cr[cr$creg_ccode %in% c(2, 365, 393) & cr$year == 1991, ]
creg <- list(
  n_rows = nrow(cr), n_creg = length(unique(cr$creg_ccode)),                              # 11523 167
  year_min = min(cr$year), year_max = max(cr$year),                                       # 1945 2013
  dup_ccode_year = sum(duplicated(cr[, c("ccode", "year")])),                             # 138
  dup_gwcode_year = sum(duplicated(cr[, c("gwcode", "year")])),                           # 71
  na_ethfrac = sum(is.na(cr$ethfrac)), na_relfrac = sum(is.na(cr$relfrac)),               # 2738 2590
  known_1991 = cols(k[order(k$creg_ccode), ])  # creg 2, 365 (the USSR) and 393 (Russia) in 1991
)

h <- rda("hief")
hu <- h[!duplicated(h), ]
k <- h[h$ccode %in% c(2, 365, 490, 816) & h$year %in% c(1991, 2013), ]  # in file order
hief <- list(
  n_rows = nrow(h), n_duplicated_rows = sum(duplicated(h)),                               # 8808 24
  n_conflicting = sum(duplicated(hu[, c("ccode", "year")])),                              # 1 (365 in 1991)
  n_ccodes = length(unique(h$ccode)), year_min = min(h$year), year_max = max(h$year),     # 160 1945 2013
  # 2 1991 0.389; 2 2013 0.527; 365 1991 0.691 (closing the Soviet series) then 0.286 (opening
  # the Russian one); 365 2013 0.376; 490 1991 0.741; 490 2013 0.700; 816 (gwcode 817)
  known = cols(k)
)

r <- rda("rugged")
k <- r[r$ccode %in% c(2, 210, 327, 365, 700), ]
rugged <- list(
  n_rows = nrow(r), na_gwcode = sum(is.na(r$gwcode)), na_newlmtnest = sum(is.na(r$newlmtnest)),  # 192 22 1
  # 2: 1.073 3.21486806869507; 210: 0.037 0; 327 (Papal States): no gwcode, no newlmtnest;
  # 365: 0.940 2.72129511833191; 700: 2.518 4.19870519638062
  known = cols(k[order(k$ccode), c("ccode", "gwcode", "rugged", "newlmtnest")])
)

writeLines(js(list(versions = list(R = R.version.string), creg = creg, hief = hief, rugged = rugged)),
           out_path("sources_covariates"))
