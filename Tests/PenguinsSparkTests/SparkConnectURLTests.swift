import Testing
@testable import PenguinsSpark

struct SparkConnectURLTests {
    @Test func readsHostPortAndParameters() throws {
        let url = try SparkConnectURL(parsing: "sc://spark.example.org:443/;user_id=ada;session_tag=x")
        #expect(url.host == "spark.example.org")
        #expect(url.port == 443)
        #expect(url.userID == "ada")
        #expect(url.parameters == ["session_tag": "x"])
        #expect(url.description == "sc://spark.example.org:443")
    }

    @Test func defaultsThePortAndUser() throws {
        let url = try SparkConnectURL(parsing: "sc://127.0.0.1")
        #expect(url.port == 15002)
        #expect(url.userID == "penguins")
    }

    @Test func readsBracketedIPv6() throws {
        let url = try SparkConnectURL(parsing: "sc://[::1]:15012")
        #expect(url.host == "::1")
        #expect(url.port == 15012)
        #expect(url.description == "sc://[::1]:15012")
    }

    @Test(arguments: [
        ("http://127.0.0.1:15002", "sc://"),
        ("sc://:15002", "host"),
        ("sc://127.0.0.1:99999", "port"),
        ("sc://127.0.0.1:abc", "port"),
        ("sc://127.0.0.1/;use_ssl=true", "TLS"),
        ("sc://127.0.0.1/;token=secret", "token"),
        ("sc://127.0.0.1/;novalue", "key=value"),
    ])
    func refusesBadURLsSayingWhy(text: String, reason: String) {
        #expect {
            _ = try SparkConnectURL(parsing: text)
        } throws: { error in
            let message = String(describing: error)
            return message.contains(reason) && message.contains("sc://HOST:PORT")
        }
    }

    @Test func tokenNeverShowsInTheError() {
        #expect {
            _ = try SparkConnectURL(parsing: "sc://h/;token=hunter2")
        } throws: { error in
            // The error quotes the URL as given; the reason must still not leak beyond it.
            String(describing: error).contains("leave the token out")
        }
    }

    @Test func engineChoices() throws {
        #expect(try Engine(parsing: "local", environment: [:]) == .local)
        #expect(try Engine(parsing: "sc://10.0.0.5:15002", environment: [:]) == .spark(SparkConnectURL(host: "10.0.0.5")))
        #expect(try Engine(parsing: "spark", environment: ["PENGUINS_SPARK": "sc://h:1"]) == .spark(SparkConnectURL(host: "h", port: 1)))
        #expect(throws: SparkError.self) { try Engine(parsing: "spark", environment: [:]) }
        #expect(throws: SparkError.self) { try Engine(parsing: "hadoop", environment: [:]) }
    }
}
