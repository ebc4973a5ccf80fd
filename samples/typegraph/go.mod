module typegraph

go 1.19
