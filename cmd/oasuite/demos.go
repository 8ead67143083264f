package main

// demos lists every vendor's demo in the suite's order. Each vendor's demo
// lives in demo_<vendor>.go.
func demos() []demo {
	return []demo{
		{"bidcore", demoBidCore},
		{"bqecore", demoBQECore},
		{"bouquet", demoBouquet},
		{"beproduct", demoBeProduct},
		{"procurios", demoProcurios},
	}
}
