;; types.wasm: this module with (type (func)) declared 4,097 times (written
;; by a script), one more function type than the runtime takes.
(module
  (type (func))
  (memory (export "memory") 1)
  (func (export "_start") (type 0)))
