//! Bahasa Indonesia, in the register of Indonesian business software: formal "Anda", no slang.
//!
//! Terms kept the same everywhere, so a sentence that names a button or a page matches its
//! label: log in / log out = masuk / keluar, password = kata sandi, reset = atur ulang,
//! link = tautan, username = nama pengguna, Admin = Admin, email = email. Indonesian does not
//! inflect for number ("1 menit", "5 menit"), so counts need no singular/plural choice.

use latch_domain::{AuditKind, AuditOutcome};

use crate::{LocalDateTime, Messages};

const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// "29 November 2026 pukul 18.05 WIB": Indonesian writes the time with a dot (PUEBI) and
/// introduces it with "pukul".
fn date_time(at: &LocalDateTime) -> String {
    format!(
        "{} {} {} pukul {:02}.{:02} {}",
        at.day(),
        at.month_name(&MONTHS),
        at.year(),
        at.hour(),
        at.minute(),
        at.zone()
    )
}

pub(crate) static MESSAGES: Messages = Messages {
    app_name: "Latch",
    tagline: "Masuk dan kelola kata sandi untuk CRM Anda",
    skip_to_content: "Langsung ke konten utama",
    home_title: "Selamat datang",
    home_heading: |name| format!("Selamat datang, {name}"),
    home_body: "Latch menjaga keamanan akun CRM perusahaan Anda: masuk, atur ulang kata sandi yang terlupa, dan kelola akses tim Anda.",
    not_found_title: "Halaman tidak ditemukan",
    not_found_body: "Kami tidak dapat menemukan halaman tersebut. Periksa alamatnya, atau kembali ke halaman awal.",
    back_home: "Ke halaman awal",
    date_time,

    login_title: "Masuk",
    login_heading: "Masuk",
    identifier_label: "Nama pengguna atau email",
    password_label: "Kata sandi",
    log_in_button: "Masuk",
    logging_in: "Sedang masuk…",
    forgot_password: "Lupa Kata Sandi",
    forgot_username_hint: "Lupa nama pengguna? Tanyakan kepada Admin perusahaan Anda.",
    login_invalid: "Nama pengguna, email, atau kata sandi salah. Periksa kembali, lalu coba lagi.",
    login_throttled: |minutes| {
        format!(
            "Terlalu banyak percobaan yang gagal. Demi keamanan Anda, coba lagi dalam {minutes} menit."
        )
    },
    server_busy: "Server sedang sibuk. Silakan coba lagi dalam beberapa detik.",
    request_timeout: "Permintaan terlalu lama sampai, jadi Latch berhenti menunggu. Silakan coba lagi.",
    not_signed_in: "Sesi Anda telah berakhir. Silakan masuk kembali.",
    unexpected_error: "Terjadi kesalahan di sisi kami. Silakan coba lagi; jika masih terjadi, hubungi Admin perusahaan Anda atau tim dukungan.",
    database_unavailable: "Latch tidak dapat terhubung ke basis datanya saat ini. Silakan coba beberapa saat lagi; jika masih terjadi, hubungi Admin perusahaan Anda atau tim dukungan.",
    unavailable_title: "Sementara tidak tersedia",
    unavailable_retrying: "Halaman ini mencoba lagi secara otomatis setiap beberapa detik.",
    try_again: "Coba lagi sekarang",
    cross_origin_refused: "Permintaan ini berasal dari situs web lain dan ditolak. Silakan gunakan formulir di situs ini.",

    profile_settings: "Pengaturan Profil",
    log_out: "Keluar",
    name_label: "Nama",
    username_label: "Nama pengguna",
    email_label: "Email",
    company_label: "Perusahaan",
    role_label: "Peran",
    role_admin: "Admin",
    role_member: "Anggota",

    forgot_title: "Lupa Kata Sandi",
    forgot_intro: "Masukkan alamat email akun Anda. Kami akan mengirimkan tautan untuk membuat kata sandi baru.",
    email_field_label: "Email",
    send_reset_button: "Kirimi saya petunjuk atur ulang kata sandi",
    sending: "Sedang mengirim…",
    back_to_login: "Kembali ke halaman masuk",
    email_invalid: "Masukkan alamat email seperti nama@example.com.",
    reset_throttled: |minutes| {
        format!(
            "Anda telah meminta beberapa tautan dalam waktu singkat. Periksa kotak masuk dan folder spam Anda, atau minta lagi dalam {minutes} menit."
        )
    },
    sent_title: "Periksa kotak masuk Anda",
    sent_body: |minutes| {
        format!(
            "Jika ada akun yang menggunakan alamat ini, kami telah mengirimkan email berisi tautan untuk membuat kata sandi baru. Tautan tersebut berlaku selama {minutes} menit dan hanya dapat digunakan satu kali."
        )
    },
    sent_nothing_arrived: "Belum ada email setelah beberapa menit? Periksa folder spam Anda dan pastikan alamat tersebut adalah alamat yang didaftarkan oleh perusahaan Anda, lalu coba lagi. Jika email masih belum masuk, hubungi Admin perusahaan Anda atau tim dukungan.",
    sent_try_again: "Coba lagi",
    reset_title: "Buat kata sandi baru",
    reset_intro: "Buat kata sandi baru untuk akun Anda. Setelah itu, Anda masuk dengan kata sandi tersebut.",
    reset_link_expires: |until| format!("Tautan ini berlaku sampai {until}."),
    reset_for_account: |username, email| {
        format!("Tautan ini mengganti kata sandi akun {username} ({email}).")
    },
    new_password_label: "Kata sandi baru",
    confirm_password_label: "Konfirmasi kata sandi baru",
    set_password_button: "Simpan kata sandi baru",
    saving: "Sedang menyimpan…",
    passwords_differ: "Kedua kata sandi tidak sama. Ketik ulang kata sandi baru di kedua kolom.",
    link_used_heading: "Tautan ini sudah digunakan",
    link_used_body: "Setiap tautan atur ulang hanya dapat digunakan satu kali. Jika Anda belum selesai, mintalah tautan baru.",
    link_expired_heading: "Tautan ini sudah kedaluwarsa",
    link_expired_body: "Tautan atur ulang hanya berlaku dalam waktu singkat. Mintalah tautan baru; tautan akan tiba dalam satu atau dua menit.",
    link_replaced_heading: "Tautan ini telah digantikan oleh tautan yang lebih baru",
    link_replaced_body: "Tautan atur ulang yang lebih baru telah diminta, atau kata sandi telah diubah setelahnya. Gunakan email yang terbaru, atau mintalah tautan baru.",
    link_invalid_heading: "Tautan ini tidak valid",
    link_invalid_body: "Tautan ini mungkin tidak lengkap: beberapa aplikasi email memotong tautan yang panjang. Mintalah tautan baru, atau salin seluruh tautan dari email.",
    request_new_link: "Kirimi saya tautan baru",
    reset_done_title: "Kata sandi Anda telah diubah",
    reset_done_body: "Sekarang Anda dapat masuk dengan kata sandi baru. Demi keamanan, Anda telah dikeluarkan dari semua perangkat.",
    log_in_link: "Masuk",

    password_hint: |min, recommended| {
        format!(
            "Minimal {min} karakter, boleh karakter apa saja. Frasa sandi sepanjang {recommended} karakter atau lebih, berupa beberapa kata yang tidak saling berkaitan, lebih kuat dan lebih mudah diingat."
        )
    },
    password_too_short: |min| format!("Kata sandi terlalu pendek: gunakan minimal {min} karakter."),
    password_too_long: |max| {
        format!("Kata sandi terlalu panjang: gunakan maksimal {max} karakter.")
    },
    password_common: "Ini adalah salah satu kata sandi yang paling umum, yang pertama kali dicoba oleh penyerang. Pilih kata sandi lain.",
    password_contains_username: "Kata sandi ini mengandung nama pengguna Anda. Pilih kata sandi yang tidak mengandungnya.",
    password_contains_email: "Kata sandi ini mengandung alamat email Anda. Pilih kata sandi yang tidak mengandungnya.",
    password_contains_name: "Kata sandi ini mengandung nama Anda. Pilih kata sandi yang tidak mengandungnya.",
    password_contains_company: "Kata sandi ini mengandung nama perusahaan Anda. Pilih kata sandi yang tidak mengandungnya.",
    password_too_guessable: "Kata sandi ini terlalu mudah ditebak. Tambahkan beberapa kata lagi yang tidak saling berkaitan.",
    weakness_keyboard_pattern: "Pola keyboard seperti qwerty mudah ditebak. Tambahkan beberapa kata yang tidak saling berkaitan.",
    weakness_repetition: "Pengulangan seperti aaa atau abcabc mudah ditebak. Tambahkan beberapa kata yang tidak saling berkaitan.",
    weakness_sequence: "Urutan seperti abc atau 6543 mudah ditebak. Tambahkan beberapa kata yang tidak saling berkaitan.",
    weakness_recent_year: "Tahun-tahun belakangan ini mudah ditebak. Tambahkan beberapa kata yang tidak saling berkaitan.",
    weakness_date: "Tanggal mudah ditebak. Tambahkan beberapa kata yang tidak saling berkaitan.",
    weakness_single_word: "Satu kata saja mudah ditebak. Tambahkan beberapa kata lagi yang tidak saling berkaitan.",
    weakness_names: "Nama saja mudah ditebak. Tambahkan beberapa kata yang tidak saling berkaitan.",
    weakness_similar_to_common: "Kata sandi ini terlalu mirip dengan kata sandi yang umum. Tambahkan beberapa kata yang tidak saling berkaitan.",
    strength_label: "Kekuatan",
    strength_levels: ["Sangat lemah", "Lemah", "Cukup", "Kuat", "Sangat kuat"],
    strength_acceptable: "Kata sandi ini memenuhi kebijakan kata sandi.",

    settings_sections: "Pengaturan",
    profile_overview: "Profil",
    account_settings: "Pengaturan Akun",
    change_password_heading: "Ubah kata sandi Anda",
    language_heading: "Bahasa",
    language_intro: "Bahasa halaman Latch dan email yang dikirimkan kepada Anda.",
    language_label: "Bahasa tampilan",
    language_automatic: "Sama dengan peramban saya",
    language_save: "Simpan bahasa",
    language_saved: "Bahasa Anda telah disimpan.",
    time_zone_heading: "Zona waktu",
    time_zone_intro: "Zona waktu untuk tanggal dan jam di halaman Latch dan di email yang dikirimkan kepada Anda.",
    time_zone_label: "Zona waktu",
    time_zone_company_default: |zone| format!("Bawaan perusahaan ({zone})"),
    time_zone_save: "Simpan zona waktu",
    time_zone_saved: "Zona waktu Anda telah disimpan.",
    time_zone_unknown: |name| {
        format!("\"{name}\" bukan zona waktu yang dikenal Latch. Pilih salah satu dari daftar.")
    },
    change_password_intro: "Masukkan kata sandi Anda saat ini, lalu buat kata sandi baru. Anda tetap masuk di perangkat ini.",
    existing_password_label: "Kata sandi saat ini",
    sign_out_other_devices: "Keluar dari perangkat lain",
    sign_out_other_devices_hint: "Disarankan, terutama jika ada orang lain yang mungkin mengetahui kata sandi lama Anda.",
    update_button: "Perbarui",
    existing_password_wrong: "Kata sandi saat ini salah. Periksa kembali, lalu coba lagi.",
    password_same_as_existing: "Kata sandi baru sama dengan kata sandi saat ini. Pilih kata sandi yang berbeda.",
    password_changed_signed_out_others: "Kata sandi Anda telah diubah. Sesi di perangkat Anda yang lain telah diakhiri; Anda tetap masuk di sini.",
    devices_heading: "Perangkat Anda",
    devices_intro: "Tempat akun Anda sedang masuk saat ini. Jika ada perangkat yang tidak Anda kenali, keluarkan perangkat itu dan ubah kata sandi Anda.",
    column_device: "Perangkat",
    column_signed_in: "Masuk pada",
    column_last_active: "Terakhir aktif",
    device_words: |browser, os| format!("{browser} di {os}"),
    unknown_browser: "Peramban tidak dikenal",
    unknown_system: "sistem tidak dikenal",
    unknown_address: "alamat tidak dikenal",
    this_device: "Perangkat ini",
    sign_out_button: "Keluarkan",
    sign_out_all_others_button: "Keluar dari semua perangkat lain",
    sign_out_all_others_hint: "Semua perangkat kecuali yang ini dikeluarkan dan harus masuk lagi.",
    device_signed_out_notice: "Perangkat itu telah dikeluarkan.",
    other_devices_signed_out_notice: "Semua perangkat lain telah dikeluarkan.",
    no_other_devices: "Tidak ada perangkat lain yang sedang masuk.",
    device_unknown: "Perangkat itu sudah tidak masuk ke akun Anda.",
    password_changed_kept_others: "Kata sandi Anda telah diubah. Anda tetap masuk di sini dan di perangkat Anda yang lain.",

    users_heading: "Pengguna",
    users_intro: |company| {
        format!(
            "Semua orang yang masuk untuk {company}. Admin tidak pernah melihat atau memilih kata sandi pengguna: \"Atur Ulang Kata Sandi\" mengirimkan email berisi tautan kepada pengguna untuk membuat kata sandinya sendiri."
        )
    },
    users_search_label: "Cari berdasarkan nama, nama pengguna, atau email",
    users_search_button: "Cari",
    users_count: |total| format!("{total} pengguna"),
    users_none: "Tidak ada pengguna yang cocok dengan pencarian ini.",
    column_last_login: "Terakhir masuk",
    column_status: "Status",
    column_last_email: "Email terakhir",
    column_actions: "Tindakan",
    status_active: "Aktif",
    status_deactivated: "Dinonaktifkan",
    status_invited: "Diundang",
    never: "Belum pernah",
    sorted_ascending: "diurutkan naik",
    sorted_descending: "diurutkan turun",
    page_of: |page, pages| format!("Halaman {page} dari {pages}"),
    previous_page: "Halaman sebelumnya",
    next_page: "Halaman berikutnya",
    mail_kind: |template| match template {
        "password_reset" => "Tautan Lupa Kata Sandi",
        "admin_reset" => "Tautan Atur Ulang Kata Sandi",
        "invitation" => "Undangan",
        "password_changed" => "Pemberitahuan kata sandi diubah",
        "email_changed" => "Pemberitahuan email diubah",
        "email_change_confirm" => "Tautan konfirmasi perubahan email",
        "email_change_requested" => "Pemberitahuan permintaan perubahan email",
        "new_sign_in" => "Peringatan masuk dari perangkat baru",
        "sign_in_method_added" => "Metode masuk ditambahkan",
        "sign_in_method_removed" => "Metode masuk dihapus",
        _ => "Email",
    },
    mail_status: |status| match status {
        "queued" | "sending" => "dalam antrean",
        "sent" => "terkirim",
        "retrying" => "belum terkirim, sedang dicoba lagi",
        "discarded" => "tidak dikirim: tautannya sudah tidak berlaku",
        "failed" => "gagal",
        _ => "tidak diketahui",
    },
    reset_password_button: "Atur Ulang Kata Sandi",
    manage_user: |name| format!("Kelola {name}"),
    reset_confirm_heading: "Kirim email atur ulang kata sandi?",
    reset_confirm_body: |name, email, hours| {
        format!(
            "{name} akan menerima email di {email} berisi tautan untuk membuat kata sandi baru, yang berlaku selama {hours} jam. Kata sandinya saat ini tetap berlaku sampai kata sandi baru dibuat. Anda tidak akan melihat tautan maupun kata sandinya."
        )
    },
    reset_confirm_button: "Kirim email atur ulang",
    cancel: "Batal",
    reset_queued: |name, email| {
        format!(
            "Email atur ulang kata sandi untuk {name} ({email}) sedang dikirim. Status pengirimannya ditampilkan di daftar."
        )
    },
    mail_failed_help: "Email tidak dapat terkirim. Periksa alamatnya: perbaiki, lalu kirim lagi, atau minta alamat lain kepada pengguna.",
    add_user: "Tambah pengguna",
    add_user_intro: "Pengguna baru akan menerima email berisi tautan untuk membuat kata sandinya sendiri. Admin tidak pernah melihat atau memilih kata sandi.",
    role_field_label: "Peran",
    invite_button: "Tambah pengguna dan kirim undangan",
    user_invited: "Pengguna telah ditambahkan dan undangan sedang dikirim. Status pengirimannya ditampilkan di daftar pengguna.",
    edit_email_heading: "Alamat email",
    save_email_button: "Simpan alamat email",
    email_changed_notice: |email| {
        format!(
            "Alamat email sekarang adalah {email}. Tautan sebelumnya tidak berlaku lagi; alamat lama telah diberi tahu. Kirim tautan atur ulang baru jika pengguna membutuhkannya."
        )
    },
    access_heading: "Akses",
    deactivate_button: "Nonaktifkan pengguna",
    reactivate_button: "Aktifkan kembali pengguna",
    deactivate_hint: "Pengguna yang dinonaktifkan tidak dapat masuk, dikeluarkan dari semua perangkat, dan tidak menerima email atur ulang.",
    user_deactivated_notice: "Pengguna telah dinonaktifkan dan dikeluarkan dari semua perangkat.",
    user_reactivated_notice: "Pengguna telah diaktifkan kembali dan dapat masuk lagi.",
    make_admin_button: "Jadikan admin",
    make_member_button: "Jadikan anggota",
    role_changed_notice: "Peran telah diubah.",
    sign_out_everywhere_button: "Keluarkan dari semua perangkat",
    sign_out_everywhere_hint: "Mengakhiri sesi pengguna di semua perangkat. Pengguna tetap aktif dan dapat masuk lagi.",
    signed_out_everywhere_notice: "Pengguna telah dikeluarkan dari semua perangkat.",
    back_to_users: "Kembali ke daftar pengguna",
    activity: "Aktivitas",
    activity_intro: "Apa yang terjadi pada akun-akun perusahaan Anda, dari yang terbaru: siapa melakukan apa, terhadap siapa, kapan, dan dari alamat mana.",
    activity_filter_label: "Tampilkan",
    activity_all_kinds: "Semua peristiwa",
    activity_filter_button: "Saring",
    activity_none: "Tidak ada yang dapat ditampilkan.",
    column_when: "Waktu",
    column_event: "Peristiwa",
    column_outcome: "Hasil",
    column_by: "Oleh",
    column_for: "Untuk",
    column_address: "Alamat",
    event_kind: |kind| match kind {
        AuditKind::Login => "Masuk",
        AuditKind::Logout => "Keluar",
        AuditKind::PasswordResetRequested => "Permintaan Lupa Kata Sandi",
        AuditKind::PasswordResetCompleted => "Kata sandi dibuat melalui tautan",
        AuditKind::PasswordChanged => "Perubahan kata sandi",
        AuditKind::AdminReset => "Atur Ulang Kata Sandi oleh admin",
        AuditKind::UserInvited => "Pengguna ditambahkan",
        AuditKind::UserDeactivated => "Pengguna dinonaktifkan",
        AuditKind::UserReactivated => "Pengguna diaktifkan kembali",
        AuditKind::RoleChanged => "Perubahan peran",
        AuditKind::EmailChanged => "Perubahan alamat email",
        AuditKind::AdminRefused => "Tindakan admin ditolak",
        AuditKind::AdminReauthenticated => "Konfirmasi kata sandi oleh admin",
        AuditKind::EmailChangeRequested => "Permintaan perubahan alamat email",
        AuditKind::AccountConflict => "Nama atau alamat milik perusahaan lain",
        AuditKind::DeviceSignedOut => "Keluar dari satu perangkat",
        AuditKind::OtherDevicesSignedOut => "Keluar dari semua perangkat lain",
        AuditKind::SignedOutEverywhere => "Dikeluarkan dari semua perangkat oleh admin",
        AuditKind::PasswordConfirmed => "Konfirmasi kata sandi",
        AuditKind::SecondFactorAdded => "Metode masuk ditambahkan",
        AuditKind::SecondFactorRemoved => "Metode masuk dihapus",
        AuditKind::SecondStep => "Verifikasi dua langkah saat masuk",
        AuditKind::RecoveryCodesRenewed => "Kode pemulihan baru",
        AuditKind::SecurityPolicyChanged => "Perubahan kebijakan keamanan",
    },
    event_outcome: |outcome| match outcome {
        AuditOutcome::Succeeded => "Berhasil",
        AuditOutcome::Failed => "Gagal",
        AuditOutcome::Throttled => "Ditolak: terlalu sering dalam waktu singkat",
        AuditOutcome::NoActiveAccount => "Tidak ada akun aktif",
        AuditOutcome::MailQueued => "Email dalam antrean",
        AuditOutcome::NotAdmin => "Ditolak: bukan Admin",
        AuditOutcome::UnknownUser => "Ditolak: pengguna tidak ada di perusahaan",
        AuditOutcome::ReauthRequired => "Ditolak: kata sandi belum dikonfirmasi",
        AuditOutcome::TargetIsAdmin => "Ditolak: pengguna adalah Admin",
        AuditOutcome::SecondStepRequired => "Kata sandi benar, langkah kedua diminta",
    },
    event_unknown: "Lainnya",
    operator: "Operator (baris perintah)",
    users_nav: "Pengguna",
    not_admin: "Hanya Admin perusahaan Anda yang dapat melakukan ini.",
    unknown_user: "Pengguna ini tidak terdaftar di perusahaan Anda.",
    user_mail_throttled: |minutes| {
        format!(
            "Pengguna ini baru saja dikirimi beberapa email. Untuk melindungi kotak masuknya, coba lagi dalam {minutes} menit."
        )
    },
    user_inactive: "Pengguna ini sedang dinonaktifkan. Aktifkan kembali terlebih dahulu.",
    last_admin: "Perusahaan Anda memerlukan setidaknya satu Admin yang aktif. Jadikan orang lain Admin terlebih dahulu.",
    email_taken: "Alamat email ini sudah digunakan oleh pengguna lain.",
    username_taken: "Nama pengguna ini sudah dipakai. Pilih nama pengguna lain.",
    username_invalid: "Nama pengguna terdiri dari 3 hingga 32 karakter: huruf, angka, titik, tanda hubung, dan garis bawah, diawali dengan huruf atau angka.",
    name_invalid: "Masukkan nama dengan panjang maksimal 100 karakter, tanpa karakter kontrol.",
    reauth_heading: "Konfirmasi kata sandi Anda",
    reauth_intro: |minutes| {
        format!(
            "Mengubah alamat email atau peran pengguna memerlukan kata sandi Anda sekali lagi. Konfirmasi berlaku selama {minutes} menit."
        )
    },
    reauth_password_label: "Kata sandi Anda",
    reauth_button: "Konfirmasi kata sandi",
    reauth_done_notice: |minutes| {
        format!(
            "Kata sandi dikonfirmasi. Selama {minutes} menit ke depan Anda dapat mengubah alamat email dan peran."
        )
    },
    reauth_required: "Konfirmasi kata sandi Anda terlebih dahulu, di bagian Konfirmasi kata sandi Anda pada halaman ini: mengubah alamat email atau peran memerlukannya.",
    target_is_admin: "Alamat email Admin lain hanya dapat diubah oleh operator, melalui baris perintah.",
    new_addresses_throttled: |minutes| {
        format!(
            "Anda baru saja mengirim banyak undangan atau perubahan email. Coba lagi dalam {minutes} menit."
        )
    },
    email_change_pending_notice: |email| {
        format!(
            "Tautan konfirmasi telah dikirim ke {email}. Alamat berubah setelah dikonfirmasi dari sana; alamat saat ini telah diberi tahu."
        )
    },
    pending_email: |email| format!("Menunggu konfirmasi di {email}"),
    confirm_email_title: "Konfirmasi alamat email baru Anda",
    confirm_email_body: |username, email| {
        format!(
            "Konfirmasikan bahwa {email} menjadi alamat email akun {username}. Setelah itu Anda dikeluarkan dari semua perangkat dan perlu masuk lagi."
        )
    },
    confirm_email_button: "Konfirmasi alamat email",
    email_confirmed_heading: "Alamat email dikonfirmasi",
    email_confirmed_body: |email| {
        format!(
            "Alamat email akun sekarang adalah {email}. Anda telah dikeluarkan dari semua perangkat: silakan masuk lagi."
        )
    },
    email_link_unusable: "Tautan ini tidak dapat digunakan: sudah pernah dipakai, sudah kedaluwarsa, atau telah diganti dengan yang lebih baru. Minta Admin perusahaan Anda untuk mengubah alamatnya lagi.",

    #[cfg(feature = "mail")]
    mail_greeting: |name| format!("Halo {name},"),
    #[cfg(feature = "mail")]
    mail_signature: "Latch, layanan masuk untuk CRM perusahaan Anda",
    #[cfg(feature = "mail")]
    mail_automatic: "Email ini dikirim secara otomatis; balasan tidak akan dibaca.",
    #[cfg(feature = "mail")]
    reset_mail_subject: "Atur ulang kata sandi Anda",
    #[cfg(feature = "mail")]
    reset_mail_intro: |username| {
        format!(
            "Kami menerima permintaan untuk mengatur ulang kata sandi akun Anda. Nama pengguna Anda adalah {username}."
        )
    },
    #[cfg(feature = "mail")]
    reset_mail_action: "Buat kata sandi baru",
    #[cfg(feature = "mail")]
    reset_mail_validity: |minutes, until| {
        format!(
            "Tautan ini hanya dapat digunakan satu kali dan berlaku selama {minutes} menit, sampai {until}."
        )
    },
    #[cfg(feature = "mail")]
    reset_mail_not_you: "Jika Anda tidak memintanya, abaikan email ini: kata sandi Anda tidak berubah. Jika email seperti ini terus berdatangan, beri tahu Admin perusahaan Anda atau tim dukungan.",
    #[cfg(feature = "mail")]
    changed_mail_subject: "Kata sandi Anda telah diubah",
    #[cfg(feature = "mail")]
    changed_mail_intro: |username| {
        format!("Kata sandi akun Anda (nama pengguna {username}) baru saja diubah.")
    },
    #[cfg(feature = "mail")]
    changed_mail_not_you: "Jika bukan Anda yang melakukannya, segera hubungi Admin perusahaan Anda atau tim dukungan: mungkin ada orang lain yang memiliki akses ke email Anda.",
    #[cfg(feature = "mail")]
    admin_reset_mail_intro: |username| {
        format!(
            "Admin perusahaan Anda meminta agar kata sandi baru dibuat untuk akun Anda. Nama pengguna Anda adalah {username}."
        )
    },
    #[cfg(feature = "mail")]
    admin_reset_mail_not_you: "Kata sandi Anda saat ini tetap berlaku sampai Anda membuat kata sandi baru. Jika Anda tidak mengharapkan email ini, tanyakan kepada Admin perusahaan Anda.",
    #[cfg(feature = "mail")]
    link_validity_hours: |hours, until| {
        format!(
            "Tautan ini hanya dapat digunakan satu kali dan berlaku selama {hours} jam, sampai {until}."
        )
    },
    #[cfg(feature = "mail")]
    invitation_mail_subject: "Anda telah diundang untuk masuk",
    #[cfg(feature = "mail")]
    invitation_mail_intro: |company, username| {
        format!(
            "Admin {company} telah membuatkan akun untuk Anda. Nama pengguna Anda adalah {username}. Buat kata sandi Anda untuk memulai."
        )
    },
    #[cfg(feature = "mail")]
    invitation_mail_action: "Buat kata sandi Anda",
    #[cfg(feature = "mail")]
    invitation_mail_not_you: "Jika Anda tidak mengharapkan undangan ini, abaikan email ini atau beri tahu Admin perusahaan tersebut.",
    #[cfg(feature = "mail")]
    email_changed_mail_subject: "Alamat email Anda telah diubah",
    #[cfg(feature = "mail")]
    email_changed_mail_intro: |username, new_address| {
        format!(
            "Admin perusahaan Anda telah mengubah alamat email akun Anda (nama pengguna {username}) menjadi {new_address}. Email untuk akun ini kini dikirim ke alamat tersebut."
        )
    },
    #[cfg(feature = "mail")]
    email_change_confirm_mail_subject: "Konfirmasi alamat email baru Anda",
    #[cfg(feature = "mail")]
    email_change_confirm_mail_intro: |username, new_address| {
        format!(
            "Admin perusahaan Anda meminta agar {new_address} menjadi alamat email akun Anda (nama pengguna {username}). Tidak ada yang berubah sampai Anda mengonfirmasinya."
        )
    },
    #[cfg(feature = "mail")]
    email_change_confirm_mail_not_you: "Jika Anda tidak mengharapkan ini, abaikan email ini: akun tetap memakai alamatnya.",
    #[cfg(feature = "mail")]
    email_change_requested_mail_subject: "Ada permintaan untuk mengubah alamat email Anda",
    #[cfg(feature = "mail")]
    email_change_requested_mail_intro: |username, new_address| {
        format!(
            "Admin perusahaan Anda meminta agar alamat email akun Anda (nama pengguna {username}) diubah menjadi {new_address}. Alamat baru berlaku hanya setelah dikonfirmasi dari alamat itu."
        )
    },
    #[cfg(feature = "mail")]
    email_change_requested_mail_not_you: "Jika Anda tidak mengharapkan ini, segera beri tahu Admin perusahaan Anda atau tim dukungan.",
    #[cfg(feature = "mail")]
    new_sign_in_mail_subject: "Ada yang masuk ke akun Anda dari perangkat baru",
    #[cfg(feature = "mail")]
    new_sign_in_mail_intro: |username, when| {
        format!(
            "Akun Anda (nama pengguna {username}) dimasuki pada {when} dari peramban yang belum pernah dipakai untuk akun ini."
        )
    },
    #[cfg(feature = "mail")]
    new_sign_in_mail_device: |device, address| {
        format!("Perangkat: {device}, dari alamat {address}.")
    },
    #[cfg(feature = "mail")]
    new_sign_in_mail_not_you: "Jika itu Anda, tidak ada yang perlu dilakukan. Jika bukan, segera ubah kata sandi Anda di Pengaturan Akun, keluarkan semua perangkat lain di sana (di bagian Perangkat Anda), dan beri tahu Admin perusahaan Anda.",
    #[cfg(feature = "mail")]
    sign_in_method_name: |method| match method {
        "totp" => "aplikasi autentikator",
        "passkey" => "kunci sandi",
        "all" => "semua metode verifikasi dua langkah",
        _ => "metode masuk",
    },
    #[cfg(feature = "mail")]
    method_added_mail_subject: "Metode masuk baru ditambahkan ke akun Anda",
    #[cfg(feature = "mail")]
    method_added_mail_intro: |username, method| {
        format!(
            "Verifikasi dua langkah dengan {method} telah diaktifkan untuk akun Anda (nama pengguna {username}). Mulai sekarang, saat masuk Anda akan dimintai metode ini setelah kata sandi."
        )
    },
    #[cfg(feature = "mail")]
    method_removed_mail_subject: "Metode masuk dihapus dari akun Anda",
    #[cfg(feature = "mail")]
    method_removed_mail_intro: |username, method, by_admin| {
        if by_admin {
            format!(
                "Admin perusahaan Anda menghapus {method} dari akun Anda (nama pengguna {username})."
            )
        } else {
            format!(
                "Seseorang yang masuk ke akun Anda (nama pengguna {username}) menghapus {method} di Pengaturan Akun."
            )
        }
    },
    #[cfg(feature = "mail")]
    method_mail_not_you: "Jika ini bukan Anda, segera ubah kata sandi di Pengaturan Akun, periksa Verifikasi dua langkah di sana, dan beri tahu Admin perusahaan Anda.",
    two_step_heading: "Verifikasi dua langkah",
    two_step_intro: "Setelah kata sandi, Latch meminta bukti kedua bahwa itu Anda (kode dari aplikasi di ponsel Anda, atau passkey), sehingga kata sandi yang diketahui orang lain tidak cukup untuk masuk.",
    two_step_is_off: "Verifikasi dua langkah tidak aktif.",
    two_step_is_on: "Verifikasi dua langkah aktif.",
    two_step_required: "Perusahaan Anda mewajibkan verifikasi dua langkah.",
    authenticator_app: "Aplikasi autentikator",
    set_up_app_button: "Siapkan aplikasi autentikator",
    current_password_label: "Kata sandi saat ini",
    current_password_hint: "Menambah atau menghapus metode masuk memerlukan kata sandi Anda lagi (lalu tidak selama 5 menit).",
    setup_scan: "Pindai kode QR ini dengan aplikasi autentikator Anda (Google Authenticator, Microsoft Authenticator, 1Password…), atau ketik kunci rahasia di bawah ke dalamnya. Lalu ketik kode 6 digit yang ditampilkannya.",
    qr_code_alt: "Kode QR untuk aplikasi autentikator Anda",
    setup_secret_label: "Kunci rahasia",
    app_code_label: "Kode 6 digit dari aplikasi",
    turn_on_button: "Aktifkan",
    factor_added_at: |when| format!("Ditambahkan {when}"),
    factor_last_used: |when| format!("terakhir dipakai {when}"),
    remove_method_button: "Hapus",
    remove_method_label: |name| format!("Hapus {name}"),
    recovery_codes_heading: "Kode pemulihan",
    recovery_codes_left: |left| match left {
        0 => "Kode pemulihan Anda sudah habis: buat yang baru.".to_owned(),
        n => format!("Anda memiliki {n} kode pemulihan yang belum dipakai."),
    },
    renew_codes_button: "Buat kode pemulihan baru",
    renew_codes_hint: "Kode lama tidak berlaku lagi.",
    new_codes_heading: "Kode pemulihan Anda",
    new_codes_intro: "Simpan kode-kode ini di tempat aman (pengelola kata sandi, atau dicetak). Jika ponsel Anda hilang, setiap kode dapat dipakai sekali untuk masuk sebagai pengganti kode dari aplikasi. Kode hanya ditampilkan kali ini.",
    codes_saved_button: "Saya sudah menyimpan kode ini",
    two_step_on_notice: "Verifikasi dua langkah aktif. Simpan kode pemulihan Anda di bawah.",
    method_removed_notice: "Metode masuk telah dihapus.",
    password_needed: "Ketik kata sandi Anda saat ini untuk memastikan ini Anda.",
    wrong_app_code: "Kode itu salah, atau sudah dipakai. Ketik kode yang ditampilkan aplikasi sekarang.",
    wrong_recovery_code: "Kode pemulihan itu salah, atau sudah dipakai.",
    setup_expired: "Penyiapan kedaluwarsa. Mulai lagi dengan Siapkan aplikasi autentikator.",
    required_by_company: "Perusahaan Anda mewajibkan verifikasi dua langkah, jadi satu-satunya metode Anda tidak dapat dihapus. Hubungi Admin perusahaan Anda jika metode itu hilang.",
    no_factor_yet: "Siapkan aplikasi autentikator terlebih dahulu.",
    unknown_method: "Metode masuk ini sudah tidak ada. Muat ulang halaman.",
    step_expired: "Proses masuk ini lebih dari 5 menit, atau sudah diselesaikan di tab lain. Masuk lagi dengan kata sandi Anda.",
    second_step_title: "Verifikasi dua langkah",
    enter_app_code: "Masukkan kode 6 digit dari aplikasi autentikator Anda",
    verify_button: "Verifikasi",
    verifying: "Memverifikasi…",
    use_recovery_code: "Gunakan kode pemulihan",
    use_app_code: "Gunakan kode dari aplikasi",
    recovery_code_label: "Kode pemulihan",
    recovery_code_hint: "Salah satu kode yang Anda simpan saat mengaktifkan verifikasi dua langkah. Setiap kode hanya berlaku sekali.",
    lost_everything_hint: "Ponsel dan kode pemulihan Anda hilang? Minta Admin perusahaan Anda menghapus verifikasi dua langkah dari akun Anda.",
    passkey_label: "Kunci sandi",
    passkeys_heading: "Kunci sandi dan kunci keamanan",
    passkeys_intro: "Kunci sandi di perangkat ini (sidik jari, wajah, atau kunci layar) atau kunci keamanan (YubiKey, Titan…) sebagai pengganti kode: tidak ada yang perlu diketik, dan hanya berfungsi di situs ini, sehingga halaman masuk palsu tidak mendapatkan apa pun darinya.",
    passkey_name_label: "Nama kunci sandi ini",
    passkey_name_hint: "Misalnya Laptop kantor atau YubiKey: untuk membedakan kunci sandi Anda.",
    add_passkey_button: "Tambahkan kunci sandi",
    passkey_added_notice: "Kunci sandi Anda telah ditambahkan.",
    passkeys_need_javascript: "Kunci sandi memerlukan JavaScript. Aktifkan di browser Anda untuk menambahkan atau menggunakannya.",
    passkey_waiting: "Ikuti petunjuk browser Anda untuk menggunakan kunci sandi atau kunci keamanan…",
    passkey_cancelled: "Petunjuk kunci sandi ditutup atau waktunya habis. Coba lagi, atau gunakan metode lain.",
    passkey_unsupported: "Browser ini tidak dapat menggunakan kunci sandi. Gunakan metode lain, atau browser lain.",
    passkey_name_invalid: "Beri kunci sandi nama sepanjang 1 sampai 64 karakter.",
    passkey_refused: "Kunci sandi itu tidak dapat diverifikasi. Coba lagi dengan kunci sandi yang ditambahkan ke akun ini, atau gunakan metode lain.",
    passkeys_unavailable: "Kunci sandi hanya berfungsi jika Latch diakses melalui nama domain (bukan alamat IP). Tanyakan administrator Anda.",
    use_passkey_button: "Gunakan kunci sandi Anda",
    passkey_step_intro: "Gunakan kunci sandi atau kunci keamanan yang Anda tambahkan ke akun Anda.",
    enrol_heading: "Siapkan verifikasi dua langkah",
    enrol_intro: "Perusahaan Anda mewajibkan verifikasi dua langkah. Siapkan aplikasi autentikator untuk melanjutkan.",
    recovery_code_used_notice: |left| match left {
        0 => "Anda masuk dengan kode pemulihan terakhir. Buat yang baru di Verifikasi dua langkah."
            .to_owned(),
        n => format!("Anda masuk dengan kode pemulihan. Sisa {n} kode."),
    },
    admin_two_step_on: "Verifikasi dua langkah: aktif (aplikasi autentikator).",
    admin_two_step_off: "Verifikasi dua langkah: tidak aktif.",
    remove_two_step_button: "Hapus verifikasi dua langkah",
    remove_two_step_hint: "Untuk pengguna yang kehilangan ponsel dan kode pemulihannya. Pengguna akan menerima email, dan berikutnya masuk hanya dengan kata sandi (atau menyiapkan aplikasi baru, jika perusahaan Anda mewajibkannya). Anda tidak pernah melihat kode mereka.",
    two_step_removed_notice: "Verifikasi dua langkah telah dihapus. Pengguna telah diberi tahu melalui email.",
    security_nav: "Keamanan",
    security_title: "Keamanan",
    require_two_step_legend: "Wajibkan verifikasi dua langkah",
    require_two_step_off: "Tidak diwajibkan",
    require_two_step_admins: "Wajibkan verifikasi dua langkah untuk admin",
    require_two_step_everyone: "Wajibkan verifikasi dua langkah untuk semua orang",
    require_two_step_hint: "Pengguna yang tercakup tetapi belum memiliki metode akan diminta menyiapkan aplikasi autentikator tepat setelah kata sandi, saat masuk berikutnya.",
    save_policy_button: "Simpan",
    policy_saved_notice: "Kebijakan keamanan telah disimpan.",
    sign_in_alerts_label: "Kirim email kepada pengguna saat akunnya dimasuki dari peramban baru",
    sign_in_alerts_hint: "Email menyebutkan kapan, dari peramban dan alamat mana, serta apa yang harus dilakukan jika itu bukan mereka. Aktif secara bawaan.",
};
