# bench/apriori_peer.R — Borgelt's apriori as R's arules runs it (its
# apriori() calls Christian Borgelt's C code), the peer of crmine's Apriori
# in bench/apriori_peer.sh. Reads the FIMI file outside the timed part, then
# times apriori(target = "frequent itemsets") REPEAT times (elapsed seconds
# of system.time around the call alone: the C mining and the building of
# the result object) and prints one JSON line: baskets, the median and every
# time, the itemsets and their count per length (index 0 = length 1).
#
# The threshold is the absolute count MIN_COUNT: supp = (MIN_COUNT - 0.5) /
# baskets lies strictly between MIN_COUNT - 1 and MIN_COUNT baskets, so
# "support >= supp" and "count >= ceil(supp * baskets)" keep the same
# itemsets as crmine's count >= MIN_COUNT, whatever the rounding.
#
# Usage: Rscript apriori_peer.R FILE MIN_COUNT MAXLEN REPEAT
suppressPackageStartupMessages(library(arules))
a <- commandArgs(trailingOnly = TRUE)
if (length(a) != 4)
    stop("usage: Rscript apriori_peer.R FILE MIN_COUNT MAXLEN REPEAT")
file <- a[1]
min_count <- as.numeric(a[2])
maxlen <- as.integer(a[3])
repeats <- as.integer(a[4])
tr <- read.transactions(file, format = "basket", sep = " ")
# FIMI lines end in a space, which read.transactions reads as an item "".
if ("" %in% itemLabels(tr))
    tr <- tr[, itemLabels(tr) != ""]
n <- length(tr)
supp <- (min_count - 0.5) / n
times <- numeric(repeats)
sets <- NULL
for (i in seq_len(repeats)) {
    sets <- NULL
    gc()
    times[i] <- system.time(
        sets <- apriori(tr, parameter = list(supp = supp, minlen = 1,
                                             maxlen = maxlen,
                                             target = "frequent itemsets"),
                        control = list(verbose = FALSE))
    )[["elapsed"]]
}
len <- size(sets)
by_len <- if (length(len)) tabulate(len, nbins = max(len)) else integer(0)
cat(sprintf(paste0('{"tool": "arules", "arules_version": "%s", ',
                   '"baskets": %d, "min_count": %d, "supp": %.10g, ',
                   '"maxlen": %d, "repeat": %d, "median_s": %.6f, ',
                   '"times_s": [%s], "itemsets": %d, ',
                   '"itemsets_by_length": [%s]}\n'),
            as.character(packageVersion("arules")), n, as.integer(min_count),
            supp, maxlen, repeats, median(times),
            paste(sprintf("%.6f", times), collapse = ", "), length(sets),
            paste(by_len, collapse = ", ")))
