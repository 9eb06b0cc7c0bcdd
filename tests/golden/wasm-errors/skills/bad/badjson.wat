(module
  (memory (export "memory") 1)
  (func (export "_start")))
;; with a skillc.tool custom section appended (wat2wasm 1.0.32 writes no @custom):
;; {"name": "x", "input_schema": {"type": "object", "properties": {"n": {"type": "map"}}}}
