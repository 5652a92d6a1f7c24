package io.nohop.keys.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Says in words what went wrong with a file: the CLI's one error line never shows an exception class name. */
final class FileProblem {

    private FileProblem() {
    }

    /**
     * What went wrong, without the path: "no such file or folder", "permission denied", ….
     *
     * @param e the failure
     * @return a short lower-case phrase
     */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file of that name already exists";
        }
        if (e instanceof NotDirectoryException) {
            return "not a folder";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "the folder is not empty";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return lowerFirst(f.getReason());
        }
        if (e.getMessage() != null && !e.getMessage().isBlank()) {
            return lowerFirst(NohopCommand.oneLine(e.getMessage()));
        }
        return "input/output error";
    }

    /**
     * The failure with the file it concerns, when the exception names one.
     *
     * @param e the failure
     * @return "FILE: reason", or the reason alone
     */
    static String describe(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return f.getFile() + ": " + reason(e);
        }
        return reason(e);
    }

    private static String lowerFirst(String text) {
        // "Is a directory" reads better mid-sentence as "is a directory"; acronyms ("I/O") stay.
        if (text.length() > 1 && Character.isUpperCase(text.charAt(0)) && Character.isLowerCase(text.charAt(1))) {
            return Character.toLowerCase(text.charAt(0)) + text.substring(1);
        }
        return text;
    }
}
