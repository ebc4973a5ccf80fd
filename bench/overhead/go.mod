module overhead

go 1.19
