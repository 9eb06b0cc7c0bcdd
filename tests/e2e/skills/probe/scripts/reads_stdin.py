"""Try to read a line from stdin; stdin is closed, so it gets EOF at once."""


def main():
    try:
        input()
        print("got a line")
    except EOFError:
        print("eof")


if __name__ == "__main__":
    main()
