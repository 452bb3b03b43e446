package dev.jns.cgroup;

import dev.jns.sys.Bpf;
import dev.jns.sys.LibC;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Device rules on cgroup v2, which has no devices controller: the rules compiled to a
 * BPF_CGROUP_DEVICE program and attached to the cgroup, replacing the program a previous
 * apply attached.
 *
 * <p>The program checks the rules from the last to the first and the first that matches the
 * request decides, so later rules win as the spec says; a request no rule matches is allowed,
 * as it was before any rule (the spec's lists start with "deny all" to change that). An allow
 * rule matches when it grants every access asked for; a deny rule when it forbids any of them.
 */
final class DeviceFilter {
    // struct bpf_cgroup_dev_ctx { u32 access_type (access << 16 | type); u32 major; u32 minor; }
    private static final int DEV_BLOCK = 1, DEV_CHAR = 2;
    private static final int ACC_MKNOD = 1, ACC_READ = 2, ACC_WRITE = 4, ACC_ALL = 7;
    // opcodes (linux/bpf.h): class | op | source
    private static final int LDX_MEM_W = 0x61, ALU32_AND_K = 0x54, ALU32_RSH_K = 0x74, ALU32_MOV_X = 0xbc,
            JNE_K = 0x55, JEQ_K = 0x15, ALU64_MOV_K = 0xb7, EXIT = 0x95;
    private static final int R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5;

    private DeviceFilter() {}

    static void install(Path dir, List<CgroupResources.DeviceRule> rules) {
        String what = "device rules for " + dir;
        int program = Bpf.loadCgroupDeviceProgram(compile(rules), what);
        int cgroup = -1;
        try {
            cgroup = LibC.open(dir.toString(), LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC);
            int[] before = Bpf.attachedCgroupDevicePrograms(cgroup, what);
            // The new program first, then the old ones off: no moment without rules.
            Bpf.attachCgroupDevice(cgroup, program, Bpf.BPF_F_ALLOW_MULTI, what);
            for (int id : before) {
                int old = Bpf.programFd(id);
                try {
                    Bpf.detachCgroupDevice(cgroup, old, what);
                } finally {
                    LibC.close(old);
                }
            }
        } finally {
            if (cgroup >= 0) LibC.close(cgroup);
            LibC.close(program);
        }
    }

    /** The program's instructions, 8 bytes each ({@code struct bpf_insn}, little-endian). */
    static byte[] compile(List<CgroupResources.DeviceRule> rules) {
        Program p = new Program();
        p.add(LDX_MEM_W, R2, R1, 0, 0);
        p.add(ALU32_AND_K, R2, 0, 0, 0xFFFF);   // r2: type
        p.add(LDX_MEM_W, R3, R1, 0, 0);
        p.add(ALU32_RSH_K, R3, 0, 0, 16);       // r3: access asked for
        p.add(LDX_MEM_W, R4, R1, 4, 0);         // r4: major
        p.add(LDX_MEM_W, R5, R1, 8, 0);         // r5: minor
        for (int i = rules.size() - 1; i >= 0; i--) {
            List<int[]> block = rule(rules.get(i));
            p.block(block);
            // A rule that matches every request ends the program: the verifier refuses code it cannot reach.
            if (block.size() == 2) return p.bytes();
        }
        p.add(ALU64_MOV_K, R0, 0, 0, 1);
        p.add(EXIT, 0, 0, 0, 0);
        return p.bytes();
    }

    /** One rule's block; each {@code JUMP_TO_NEXT} offset is filled in once the block's length is known. */
    private static List<int[]> rule(CgroupResources.DeviceRule rule) {
        List<int[]> block = new ArrayList<>();
        if (rule.type() != 'a') block.add(new int[] {JNE_K, R2, 0, Program.JUMP_TO_NEXT, rule.type() == 'b' ? DEV_BLOCK : DEV_CHAR});
        int access = access(rule.access());
        if (access != ACC_ALL) {
            block.add(new int[] {ALU32_MOV_X, R1, R3, 0, 0});
            if (rule.allow()) {
                block.add(new int[] {ALU32_AND_K, R1, 0, 0, ~access & ACC_ALL});
                block.add(new int[] {JNE_K, R1, 0, Program.JUMP_TO_NEXT, 0});
            } else {
                block.add(new int[] {ALU32_AND_K, R1, 0, 0, access});
                block.add(new int[] {JEQ_K, R1, 0, Program.JUMP_TO_NEXT, 0});
            }
        }
        if (rule.major() != null) block.add(new int[] {JNE_K, R4, 0, Program.JUMP_TO_NEXT, rule.major().intValue()});
        if (rule.minor() != null) block.add(new int[] {JNE_K, R5, 0, Program.JUMP_TO_NEXT, rule.minor().intValue()});
        block.add(new int[] {ALU64_MOV_K, R0, 0, 0, rule.allow() ? 1 : 0});
        block.add(new int[] {EXIT, 0, 0, 0, 0});
        return block;
    }

    private static int access(String rwm) {
        int bits = 0;
        for (char c : rwm.toCharArray()) {
            bits |= switch (c) {
                case 'r' -> ACC_READ;
                case 'w' -> ACC_WRITE;
                default -> ACC_MKNOD;
            };
        }
        return bits;
    }

    private static final class Program {
        static final int JUMP_TO_NEXT = Integer.MIN_VALUE;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void add(int code, int dst, int src, int off, int imm) {
            out.write(code);
            out.write((src << 4) | dst);
            out.write(off & 0xFF);
            out.write((off >> 8) & 0xFF);
            for (int i = 0; i < 4; i++) out.write((imm >> (8 * i)) & 0xFF);
        }

        void block(List<int[]> insns) {
            for (int i = 0; i < insns.size(); i++) {
                int[] x = insns.get(i);
                int off = x[3] == JUMP_TO_NEXT ? insns.size() - i - 1 : x[3];
                add(x[0], x[1], x[2], off, x[4]);
            }
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
