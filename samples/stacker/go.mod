module example.com/stacker

go 1.19
