package io.pocketgrid.ledger.merkle;

final class Hex {
    private Hex() {
    }

    static String strip(String hex) {
        String s = hex.strip();
        return s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : s;
    }
}
