module example.com/filtered

go 1.19
