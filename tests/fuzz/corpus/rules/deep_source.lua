local a = number "a"
micro "m" { all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{all{a:above(1)}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}} }
