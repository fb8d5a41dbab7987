import Foundation

/// The normalised (snake_case) name of a source column, used for matching headers to a schema's
/// columns and as the name of a kept column in the lake.
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
