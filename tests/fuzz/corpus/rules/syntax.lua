micro "x" {
