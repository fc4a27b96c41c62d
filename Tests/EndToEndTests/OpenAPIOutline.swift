/// Reads the outline of the project's OpenAPI document (block-style YAML with two-space
/// indentation): its version, its operations and the properties of its component schemas.
/// Enough to check the document against what the API does, without a YAML library.
struct OpenAPIOutline {
    private let lines: [(indent: Int, text: Substring)]

    init(_ yaml: String) {
        lines = yaml.split(separator: "\n").compactMap { line in
            let text = line.drop { $0 == " " }
            guard !text.isEmpty, !text.hasPrefix("#") else { return nil }
            return (line.count - text.count, text)
        }
    }

    var version: String? {
        lines.first { $0.indent == 0 && $0.text.hasPrefix("openapi:") }
            .map { $0.text.dropFirst("openapi:".count).trimmingCharacters(in: .whitespaces) }
    }

    /// `METHOD /path` for every operation under `paths`, sorted.
    var operations: [String] {
        let methods: Set<Substring> = ["get", "post", "put", "patch", "delete", "head", "options"]
        var result: [String] = []
        var path: Substring?
        for line in section("paths", indent: 0) {
            if line.indent == 2, line.text.hasSuffix(":") {
                path = line.text.dropLast()
            } else if line.indent == 4, line.text.hasSuffix(":"), methods.contains(line.text.dropLast()), let path {
                result.append("\(line.text.dropLast().uppercased()) \(path)")
            }
        }
        return result.sorted()
    }

    /// The property names of `components.schemas.<name>`.
    func properties(of name: String) -> Set<String> {
        var result: Set<String> = []
        var inProperties = false
        for line in schema(name) {
            if line.indent == 6 { inProperties = line.text == "properties:" }
            if inProperties, line.indent == 8, let colon = line.text.firstIndex(of: ":") {
                result.insert(String(line.text[..<colon]))
            }
        }
        return result
    }

    /// The `required` list of `components.schemas.<name>`.
    func required(of name: String) -> Set<String> {
        guard let line = schema(name).first(where: { $0.indent == 6 && $0.text.hasPrefix("required: [") }) else { return [] }
        let list = line.text.dropFirst("required: [".count).prefix { $0 != "]" }
        return Set(list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
    }

    private func schema(_ name: String) -> ArraySlice<(indent: Int, text: Substring)> {
        let schemas = section("schemas", indent: 2, within: section("components", indent: 0))
        return section(Substring(name), indent: 4, within: schemas)
    }

    /// The lines nested under `key:` at `indent`.
    private func section(
        _ key: Substring, indent: Int, within scope: ArraySlice<(indent: Int, text: Substring)>? = nil
    ) -> ArraySlice<(indent: Int, text: Substring)> {
        let scope = scope ?? lines[...]
        guard let start = scope.firstIndex(where: { $0.indent == indent && $0.text == key + ":" }) else { return [] }
        let body = scope[(start + 1)...]
        let end = body.firstIndex { $0.indent <= indent } ?? body.endIndex
        return body[..<end]
    }
}
