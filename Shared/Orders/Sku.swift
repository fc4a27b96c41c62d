/// Rules for catalog stock-keeping unit codes such as `SKU-1` or `FAIL-ME`.
public enum Sku {
    /// The sku that makes order processing fail with a technical error while failure injection is on.
    public static let failureInjection = "FAIL-ME"

    /// 1–64 characters from `A–Z a–z 0–9 . _ -`.
    public static func isValid(_ sku: String) -> Bool {
        !sku.isEmpty && sku.utf8.count <= 64
            && sku.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2E || byte == 0x5F || byte == 0x2D
            }
    }
}
