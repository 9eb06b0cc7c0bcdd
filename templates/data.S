/*
 * data.S - the agent's read-only blob: the string pool, every embedded
 * skill file, and an 8-byte trailer the runtime checks at start. The bytes
 * come from data.bin beside this file (assemble with -Wa,-I,<that dir>).
 */
	.section .rodata.skillc,"a",@progbits
	.balign 64
	.globl skc_data
	.type skc_data, @object
skc_data:
	.incbin "data.bin"
	.size skc_data, . - skc_data
	.section .note.GNU-stack,"",@progbits
