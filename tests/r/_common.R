# Shared by the fixture scripts of tests/r: where the data are, and a minimal JSON writer
# (jsonlite is not assumed). Every script is run from the repository root as
#   Rscript tests/r/<name>.R [out.json]
# and writes tests/data/<name>_r.json (or the path given); tests/rfixtures.py reads it.

# The shared data folder: PEACESTATS_DATA_MIRROR when set, else ../shared/data.
data_file <- function(...) {
  mirror <- Sys.getenv("PEACESTATS_DATA_MIRROR", "../shared/data")
  file.path(mirror, ...)
}

# The output path: the first argument, else tests/data/<name>_r.json.
out_path <- function(name) {
  args <- commandArgs(trailingOnly = TRUE)
  if (length(args)) args[1] else file.path("tests", "data", paste0(name, "_r.json"))
}

num <- function(x) {
  x <- as.numeric(x)
  s <- ifelse(is.na(x), "null", ifelse(is.infinite(x), ifelse(x > 0, "\"Inf\"", "\"-Inf\""),
                                       sprintf("%.17g", x)))
  paste0("[", paste(s, collapse = ","), "]")
}
str_ <- function(x) paste0("[", paste0("\"", x, "\"", collapse = ","), "]")
js <- function(x) {
  if (is.null(x)) return("null")
  if (is.list(x) && !is.data.frame(x)) {
    parts <- vapply(names(x), function(k) paste0("\"", k, "\":", js(x[[k]])), "")
    return(paste0("{", paste(parts, collapse = ","), "}"))
  }
  if (is.data.frame(x)) return(js(as.list(x)))
  if (is.matrix(x)) {  # a list of columns
    cols <- lapply(seq_len(ncol(x)), function(j) x[, j])
    return(paste0("[", paste(vapply(cols, js, ""), collapse = ","), "]"))
  }
  if (is.character(x) || is.factor(x)) return(str_(as.character(x)))
  if (is.logical(x)) return(num(as.numeric(x)))
  num(x)
}

versions <- function(...) {
  pk <- c("survival", ...)
  c(list(R = R.version.string), setNames(lapply(pk, function(p) as.character(packageVersion(p))), pk))
}
