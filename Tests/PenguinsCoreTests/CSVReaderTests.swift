import Foundation
import PenguinsCore
import Testing

@Suite struct CSVReaderTests {
    @Test func quotedCommaStaysInsideTheField() throws {
        let records = try TestFiles.records(of: TestFiles.write("a,b\n\"x,y\",z\n"))
        #expect(records.map(\.fields) == [["a", "b"], ["x,y", "z"]])
    }

    @Test func doubledQuoteBecomesOneQuote() throws {
        let records = try TestFiles.records(of: TestFiles.write("\"say \"\"hi\"\"\",\"\"\"\"\n"))
        #expect(records.map(\.fields) == [["say \"hi\"", "\""]])
        #expect(records[0].rawText == "\"say \"\"hi\"\"\",\"\"\"\"")
    }

    @Test func lineBreakInsideQuotesKeepsLineNumbersOfTheFile() throws {
        let text = "h1,h2\n\"line one\nline two\",x\nnext,row\n\"a\n\nb\",c\nlast,one\n"
        let records = try TestFiles.records(of: TestFiles.write(text))
        #expect(records.map(\.fields) == [
            ["h1", "h2"], ["line one\nline two", "x"], ["next", "row"], ["a\n\nb", "c"], ["last", "one"],
        ])
        #expect(records.map(\.line) == [1, 2, 4, 5, 8])
        #expect(records[1].rawText == "\"line one\nline two\",x")
    }

    @Test func crlfLineEndingsAreRemovedButKeptInsideQuotes() throws {
        let records = try TestFiles.records(of: TestFiles.write("a,b\r\n\"x\r\ny\",2\r\n3,4\r\n"))
        #expect(records.map(\.fields) == [["a", "b"], ["x\r\ny", "2"], ["3", "4"]])
        #expect(records.map(\.rawText) == ["a,b", "\"x\r\ny\",2", "3,4"])
        #expect(records.map(\.line) == [1, 2, 4])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let records = try TestFiles.records(of: TestFiles.write("\u{FEFF}species,island\nAdelie,Dream\n"))
        #expect(records[0].fields == ["species", "island"])
        #expect(records[0].rawText == "species,island")
    }

    @Test func lastLineWithoutTerminatorIsARecord() throws {
        let records = try TestFiles.records(of: TestFiles.write("a,b\n1,2"))
        #expect(records.map(\.fields) == [["a", "b"], ["1", "2"]])
        let quoted = try TestFiles.records(of: TestFiles.write("a\n\"q,uoted\""))
        #expect(quoted.map(\.fields) == [["a"], ["q,uoted"]])
    }

    @Test func emptyFieldsAndBlankLines() throws {
        let records = try TestFiles.records(of: TestFiles.write("a,,\n\n,\"\",x\n\r\n"))
        #expect(records.map(\.fields) == [["a", "", ""], ["", "", "x"]])
        #expect(records.map(\.line) == [1, 3])
    }

    @Test func emptyFileHasNoRecords() throws {
        #expect(try TestFiles.records(of: TestFiles.write("")).isEmpty)
    }

    @Test func unterminatedQuoteNamesTheLineItStartsOn() throws {
        let url = try TestFiles.write("a,b\n1,2\n3,\"open\n4,5\n")
        #expect(throws: IngestError.unterminatedQuote(path: url.path, line: 3)) {
            _ = try TestFiles.records(of: url)
        }
        #expect(IngestError.unterminatedQuote(path: url.path, line: 3).description.contains("line 3"))
    }

    @Test func missingFileNamesThePath() throws {
        let url = try TestFiles.makeDirectory().appendingPathComponent("absent.csv")
        #expect(throws: IngestError.fileNotFound(path: url.path)) { _ = try CSVReader(url: url) }
        #expect(IngestError.fileNotFound(path: url.path).description.contains(url.path))
    }

    @Test func directoryIsUnreadable() throws {
        let directory = try TestFiles.makeDirectory()
        #expect(throws: IngestError.unreadable(path: directory.path, reason: "it is a directory")) {
            _ = try CSVReader(url: directory)
        }
    }

    /// Records that straddle chunk boundaries at every possible offset read the same.
    @Test func everyChunkSizeGivesTheSameRecords() throws {
        let text = "\u{FEFF}id,text,n\r\n1,\"a \"\"quoted\"\", word\",3\r\n\n2,\"multi\r\nline\",\"\"\r\n3,plain,\"x\"\"\"\n4,é€,5"
        let url = try TestFiles.write(text)
        let expected = try TestFiles.records(of: url)
        #expect(expected.map(\.fields) == [
            ["id", "text", "n"], ["1", "a \"quoted\", word", "3"], ["2", "multi\r\nline", ""],
            ["3", "plain", "x\""], ["4", "é€", "5"],
        ])
        #expect(expected.map(\.line) == [1, 2, 4, 6, 7])
        for chunkSize in 4...40 {
            #expect(try TestFiles.records(of: url, chunkSize: chunkSize) == expected, "chunk size \(chunkSize)")
        }
    }

    @Test func countsRecordsRead() throws {
        var reader = try CSVReader(url: TestFiles.write("a\nb\nc\n"))
        while try reader.next() != nil {}
        #expect(reader.recordsRead == 3)
    }
}
