module example.com/gomaps

go 1.19
