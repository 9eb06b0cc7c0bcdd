"""Long name."""
def main():
    pass
