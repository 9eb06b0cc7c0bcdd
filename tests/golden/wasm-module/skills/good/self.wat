(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")))
;; with a skillc.tool custom section appended (wat2wasm 1.0.32 writes no @custom):
;; {"name": "describe", "description": "Say what it is.", "args": "json", "input_schema": {"type": "object", "properties": {"level": {"type": "integer", "description": "How much to say.", "default": 1}}}}
