# Generated competing-risks data for tests/test_competing.py (written once; the CSV is the fixture).
#   Rscript tests/r/competing_data.R    (from the repository root)
# Integer times on 1..25 so that events of both causes and censorings share times (ties);
# 40% of rows enter late (entry in 0..stop-1); non-integer case weights; two groups.
# Causes are strings, so their order is R's factor-level order: "0" (censored), "other", "recur".
set.seed(20261201)
n <- 240
stop <- sample.int(25, n, replace = TRUE)
late <- runif(n) < 0.4
entry <- ifelse(late, floor(runif(n) * stop), 0)
x1 <- round(rnorm(n), 3)
x2 <- rbinom(n, 1, 0.45)
group <- ifelse(runif(n) < 0.5, "a", "b")
# cause probabilities depend on x1, x2
u <- runif(n)
p_recur <- plogis(-0.6 + 0.7 * x1 + 0.5 * x2)
p_other <- 0.3
event <- ifelse(u < p_recur * 0.75, "recur", ifelse(u < p_recur * 0.75 + p_other * (1 - p_recur * 0.75), "other", "0"))
weight <- round(runif(n, 0.5, 2.5), 3)
d <- data.frame(row = seq_len(n), entry = entry, stop = stop, event = event, group = group,
                x1 = x1, x2 = x2, weight = weight)
write.csv(d, "tests/data/competing_sim.csv", row.names = FALSE, quote = FALSE)
cat("wrote tests/data/competing_sim.csv:", n, "rows\n")
print(table(d$event, d$group))
