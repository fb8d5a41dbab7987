/// The column layouts a penguin CSV can have. Both may list their columns in any order and
/// carry extra columns; a `penguin_id` column, when present, gives each row its id.
public enum PenguinLayout: String, CaseIterable, Hashable, Codable, Sendable {
    /// The Palmer Station LTER data package layout: `studyName, Sample Number, Species, ...,
    /// Culmen Length (mm), ..., Date Egg, ...`. The year comes from `Date Egg`.
    case raw
    /// The tidy layout: `species, island, bill_length_mm, bill_depth_mm, flipper_length_mm,
    /// body_mass_g, sex, year`.
    case tidy

    /// A human name for messages.
    public var displayName: String {
        switch self {
        case .raw: "raw LTER"
        case .tidy: "tidy"
        }
    }

    /// The columns a header must have for this layout, spelled as in the layout's files.
    public var requiredColumns: [String] {
        switch self {
        case .raw:
            [
                "studyName", "Sample Number", "Species", "Island", "Date Egg", "Culmen Length (mm)",
                "Culmen Depth (mm)", "Flipper Length (mm)", "Body Mass (g)", "Sex",
            ]
        case .tidy:
            ["species", "island", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "sex", "year"]
        }
    }

    /// ``requiredColumns`` under their normalised names (see ``normalizedColumnName(_:)``).
    public var requiredNormalizedColumns: [String] { requiredColumns.map(normalizedColumnName) }
}

/// The normalised (snake_case) name of a source column, used for matching headers and as the
/// key of ``Penguin/otherFields``.
///
/// "Culmen" becomes "bill" (`Culmen Length (mm)` → `bill_length_mm`), camelCase is split
/// (`studyName` → `study_name`), every run of characters other than letters and digits becomes
/// one underscore (`Sample Number` → `sample_number`, `Body Mass (g)` → `body_mass_g`), and the
/// isotope columns drop their per-mille unit (`Delta 15 N (o/oo)` → `delta_15_n`).
public func normalizedColumnName(_ name: String) -> String {
    let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
    switch trimmed.lowercased() {
    case "delta 15 n (o/oo)": return "delta_15_n"
    case "delta 13 c (o/oo)": return "delta_13_c"
    default: break
    }
    var words: [String] = []
    var word = ""
    var previous: Character?
    for character in trimmed {
        if character.isLetter || character.isNumber {
            let startsCamelCaseWord = character.isUppercase
                && (previous.map { $0.isLowercase || $0.isNumber } ?? false)
            if startsCamelCaseWord, !word.isEmpty {
                words.append(word)
                word = ""
            }
            word += character.lowercased()
        } else if !word.isEmpty {
            words.append(word)
            word = ""
        }
        previous = character
    }
    if !word.isEmpty { words.append(word) }
    return words.map { $0 == "culmen" ? "bill" : $0 }.joined(separator: "_")
}
