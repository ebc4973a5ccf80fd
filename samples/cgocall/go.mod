module example.com/cgocall

go 1.19
