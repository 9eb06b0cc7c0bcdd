(module
  (memory (export "memory") 512)
  (func (export "_start")))
